ARG BASE=alpine:3.19
FROM ${BASE} AS build
RUN echo build

FROM build AS dev
USER root

FROM alpine:3.19 AS prod
USER 10001
