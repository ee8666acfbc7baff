FROM debian:12.5
RUN curl -fsSL https://example.com/install.sh | sh
