./app/Dockerfile:4:12: error: piping ?[31mred?[0m into sh: "a" & <b> at 50%, a:b next line � [synthetic-dockerfile]
./app/Dockerfile:10:250: warning: a token far to the right [synthetic-long-line]
image.tar: info: history 3: a step of the image's history [synthetic-history]
image.tar: error: layer 2: /root/.ssh/id_rsa: a private key, deleted later but still in layer 2 [synthetic-layer]
