import './lib/zod-config';
import { mount } from 'svelte';
import App from './App.svelte';
import { TRAINER_PAGE_PATH } from './lib/protocol';
import TrainerApp from './trainer/TrainerApp.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
// The trainer's dashboard is its own page; the server serves it to the trainer only.
mount(location.pathname === TRAINER_PAGE_PATH ? TrainerApp : App, { target });
