FROM debian:12.5
RUN useradd -u 10001 app
USER 10001
