import { mount } from 'svelte';
import App from './App.svelte';
import { TRAINER_PAGE_PATH } from './lib/protocol';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
// The trainer's dashboard is its own page, which the server serves to the trainer only; a
// learner's page does not load its code.
if (location.pathname === TRAINER_PAGE_PATH) void import('./trainer/TrainerApp.svelte').then(({ default: TrainerApp }) => mount(TrainerApp, { target }));
else mount(App, { target });
