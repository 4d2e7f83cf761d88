#!/bin/sh
# Regenerates english_common.txt, english_extra.txt and english_rare.txt
# from Debian's SCOWL word lists (packages wbritish-small, wbritish,
# wbritish-huge, wamerican-small, wamerican and wamerican-huge, version
# 2020.12.07-2):
#   apt-get install wbritish wbritish-small wbritish-huge wamerican wamerican-small wamerican-huge && sh gen_words.sh
# Only all-lower-case entries are kept: they are ordinary words, so a name or
# place that is also one of them needs context before it is redacted. Both
# spellings are kept because people write both.
set -eu
cd "$(dirname "$0")"
D=/usr/share/dict
cat $D/british-english-small $D/american-english-small | LC_ALL=C grep -x '[a-z]*' | LC_ALL=C sort -u > english_common.txt
cat $D/british-english $D/american-english | LC_ALL=C grep -x '[a-z]*' | LC_ALL=C sort -u | LC_ALL=C comm -23 - english_common.txt > english_extra.txt
cat $D/british-english-huge $D/american-english-huge | LC_ALL=C grep -x '[a-z]*' | LC_ALL=C sort -u | LC_ALL=C comm -23 - english_common.txt | LC_ALL=C comm -23 - english_extra.txt > english_rare.txt
