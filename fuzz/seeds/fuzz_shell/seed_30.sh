if true; then
  (cd /tmp && make) | tee log
fi; fi )
