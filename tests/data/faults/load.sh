# Sourced by CLI cases: load_programme DB makes DB and imports the small
# programme of tests/data/programme into it (every KIND).
load_programme() {
  cleval init "$1" >/dev/null || return 1
  for f in providers establishments leaders enrolments self-assessment-pre \
    self-assessment-post long-term compass; do
    k=$(echo $f | sed 's/-pre$//; s/-post$//')
    cleval import --quiet "$1" $k "$TESTDATA/programme/$f.csv" >/dev/null || return 1
  done
}
