# zsh: ShellSnapshotTest compares zsh -lc with the zsh shell snapshot.
command -v zsh >/dev/null || apt_install zsh
