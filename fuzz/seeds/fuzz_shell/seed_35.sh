# comment
FOO=bar \
  BAZ=qux cmd a#b # c
\
