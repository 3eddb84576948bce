# ~/.bashrc of the sandbox's root user.
[ -z "$PS1" ] && return

HISTCONTROL=ignoredups:ignorespace
HISTSIZE=5000
shopt -s histappend checkwinsize

PS1='\[\e[1;32m\]\u@\h\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]\$ '

alias ls='ls --color=auto'
alias ll='ls -l'
alias grep='grep --color=auto'

# Tab completion, including docker's (/usr/share/bash-completion/completions/docker).
# A login shell has it already (/etc/profile.d); loading it twice costs a tenth of a second.
if [ -z "${BASH_COMPLETION_VERSINFO-}" ] && [ -f /usr/share/bash-completion/bash_completion ]; then
  . /usr/share/bash-completion/bash_completion
fi

# Last, so that it keeps the PROMPT_COMMAND and PS1 set above: reports each command to
# Slipway, which checks lesson steps with it.
. /usr/local/share/slipway/shell-integration.bash
