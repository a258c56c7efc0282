# tmux: cli's TmuxScreenTest runs the full-screen client in a real terminal
command -v tmux >/dev/null || apt_install tmux
