-- The floor under cleval's imports (bench/peers.sh): the sqlite3 shell's
-- .import of the demo programme's files, each into a new table of untyped
-- columns named by its header: one transaction a file, no check, no index,
-- no key. @D@ is the directory of the CSV files.
.mode csv
.import @D@/establishments.csv establishments
.import @D@/leaders.csv leaders
.import @D@/providers.csv providers
.import @D@/enrolments.csv enrolments
.import @D@/self-assessment.csv self_assessment
.import @D@/long-term.csv long_term
.import @D@/compass.csv compass
