FROM debian:12.5
RUN <<EOF
echo never ends
