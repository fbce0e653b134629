#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# room_growth.sh — backchat's RSS after 50,000 messages in one room, and its
# growth per message (the target: flat, at most 1 byte per message): soak.sh
# with one room.  RUNS (default 1), SOAK_MESSAGES (default 50000).
exec env SOAK_KEY=room_growth SOAK_ROOMS=1 SOAK_MESSAGES="${SOAK_MESSAGES:-50000}" \
    SOAK_SAMPLE="${SOAK_SAMPLE:-1}" DEFAULT_MESSAGES=50000 \
    bash "$(dirname "${BASH_SOURCE[0]}")/soak.sh"
