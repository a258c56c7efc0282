# docker-compose: cli's ComposeAsProcessesTest validates docker-compose.yml with `docker-compose config`
# (there is no Docker engine on the build machines; the same services run as processes in that test)
command -v docker-compose >/dev/null || apt_install docker-compose
