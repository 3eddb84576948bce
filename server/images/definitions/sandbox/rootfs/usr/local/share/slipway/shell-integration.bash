# Slipway shell integration: makes an interactive bash report each command it runs as OSC 633
# sequences, which the server parses (shell-integration.ts) to check lesson steps.
# Source it at the end of the sandbox's bashrc, so that a PROMPT_COMMAND and PS1 set earlier
# are kept. Needs bash >= 4.4 (PS0). The server starts the shell with SLIPWAY_NONCE set; every
# sequence carries that nonce so that text printed by commands cannot forge a result.

# Only the shell the server started: nested shells (bash, su, docker exec) have no nonce and
# stay quiet; their commands are reported as the one command that started them.
if [[ $- != *i* || -z "${SLIPWAY_NONCE-}" || -n "${__slipway_nonce-}" ]] ||
  ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  unset SLIPWAY_NONCE
  return 0
fi

__slipway_nonce=$SLIPWAY_NONCE
# Not in the environment of the learner's commands (nor of nested shells).
unset SLIPWAY_NONCE
__slipway_ran=0
__slipway_escaped=

# The command line is read back from history: a line typed with a leading space must be
# recorded too, or the previous command would be reported in its place.
HISTCONTROL=${HISTCONTROL//ignoreboth/ignoredups}
HISTCONTROL=${HISTCONTROL//ignorespace/}

# Control characters would end or corrupt the sequence and ";" separates its fields: they
# become \xHH, and a backslash becomes \\. Pairs of (character, hex), built once.
__slipway_controls=()
for __slipway_i in {1..31}; do
  printf -v __slipway_hex '%02x' "$__slipway_i"
  printf -v __slipway_char "\\x$__slipway_hex"
  __slipway_controls+=("$__slipway_char" "$__slipway_hex")
done
unset __slipway_i __slipway_hex __slipway_char

# Sets __slipway_escaped rather than printing, to spare a subshell per prompt.
__slipway_escape() {
  local value=$1 i backslashes='\\' semicolon='\x3b'
  value=${value//\\/"$backslashes"}
  value=${value//;/"$semicolon"}
  for ((i = 0; i < ${#__slipway_controls[@]}; i += 2)); do
    [[ $value == *"${__slipway_controls[i]}"* ]] &&
      value=${value//"${__slipway_controls[i]}"/"\\x${__slipway_controls[i + 1]}"}
  done
  __slipway_escaped=$value
}

# Runs in the subshell of PS0's command substitution, after the line is read and added to
# history, before it executes.
__slipway_preexec() {
  local HISTTIMEFORMAT= line
  line=$(builtin history 1)
  # "  42  docker ps" (or "  42* ..." once edited): drop the number.
  line=${line#"${line%%[![:space:]]*}"}
  line=${line#"${line%%[!0-9]*}"}
  line=${line#\*}
  line=${line#  }
  __slipway_escape "$line"
  builtin printf '\e]633;E;%s;%s\a\e]633;C;%s\a' "$__slipway_escaped" "$__slipway_nonce" "$__slipway_nonce"
}

# $(( )) inside a prompt runs in the shell itself: it marks that a command is about to run, so
# the next prompt reports an exit code (an empty line or Ctrl-C at the prompt runs nothing).
__slipway_ps0_marker='${__slipway_ran:0:$((__slipway_ran = 1, 0))}$(__slipway_preexec)'

# Re-applied at every prompt, so a learner's new PS1 or PS0 keeps the markers. Not exported:
# the nonce must not reach the environment of commands.
__slipway_wrap_prompts() {
  local start="\[\e]633;A;$__slipway_nonce\a\]" end="\[\e]633;B;$__slipway_nonce\a\]"
  [[ ${PS1-} == "$start"*"$end" ]] || PS1="$start${PS1-}$end"
  [[ ${PS0-} == "$__slipway_ps0_marker"* ]] || PS0="$__slipway_ps0_marker${PS0-}"
  export -n PS1 PS0
}

__slipway_precmd() {
  if ((__slipway_ran)); then
    __slipway_ran=0
    builtin printf '\e]633;D;%s;%s\a' "$__slipway_status" "$__slipway_nonce"
  fi
  __slipway_escape "$PWD"
  builtin printf '\e]633;P;Cwd=%s;%s\a' "$__slipway_escaped" "$__slipway_nonce"
  __slipway_wrap_prompts
}

# Returns $1 with $2 as its last argument: as the last command of our part of PROMPT_COMMAND,
# it hands the learner's $? and $_ back to their own PROMPT_COMMAND and next command line.
__slipway_restore() {
  return "$1"
}

# First, so that it sees the exit code before the learner's own PROMPT_COMMAND runs.
if [[ ${PROMPT_COMMAND-} != *__slipway_precmd* ]]; then
  PROMPT_COMMAND='__slipway_status=$? __slipway_last=$_'$'\n''__slipway_precmd'$'\n''__slipway_restore "$__slipway_status" "$__slipway_last"'"${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}"
fi
