# Tix: the image of tix-auth, tix-tickets, tix-files, tix-scheduler,
# tix-notify, tix-mailin and tix-admin.
#
#   docker build -t tix .
#
# Two stages: the build stage has the compiler and the -dev packages; the
# runtime stage only the shared libraries, the binaries, sql/ (for
# `tix-admin migrate`) and html/, and runs as an unprivileged user.
# docker-compose.yml shows how the pieces run together; docs/deploy.md
# lists every setting.

FROM debian:12 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config \
        libfcgi-dev libpq-dev libjson-c-dev libcurl4-openssl-dev \
        libsodium-dev libcmocka-dev python3 \
        libcrack2-dev liboath-dev libqrencode-dev \
        libgmime-3.0-dev libxml2-dev libytnef0-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The build needs tests/ too: the top-level CMakeLists.txt includes it.
COPY CMakeLists.txt ./
COPY lib lib
COPY fcgi fcgi
COPY tools tools
COPY tests tests
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" --target tix-admin tix-auth tix-tickets tix-files \
      tix-scheduler tix-notify tix-mailin

FROM debian:12-slim
# tzdata: business hours are computed in each account's time zone.
# postgresql-client: pg_dump and pg_restore for tix-admin backup/restore.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libfcgi0ldbl libpq5 libjson-c5 libcurl4 libsodium23 postgresql-client \
        libcrack2 cracklib-runtime liboath0 libqrencode4 \
        libgmime-3.0-0 libxml2 libytnef0 \
        ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tix \
 && useradd --system --uid 10001 --gid tix --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin tix \
 && install -d -o tix -g tix -m 0700 /run/tix-metrics /var/lib/tix/mail
COPY --from=build /src/build/tix-admin /src/build/tix-auth \
     /src/build/tix-tickets /src/build/tix-files /src/build/tix-scheduler \
     /src/build/tix-notify /src/build/tix-mailin /usr/local/bin/
COPY sql /usr/share/tix/sql
COPY html /usr/share/tix/html
ENV TIX_SQL_DIR=/usr/share/tix/sql
USER tix:tix
EXPOSE 9001 9002 9003
CMD ["tix-tickets", "--listen", "0.0.0.0:9002", "--workers", "4"]
