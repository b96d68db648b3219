#!/usr/bin/Rscript
# The benchmark peer in R (base R and sandwich): what an analyst would write
# instead of running `cleval report`. Reads the programme's CSV files (as
# `cleval demo` writes them into DIR/csv) and the item bank (`cleval
# instruments` as CSV), computes fig1, table1, fig18, fig19, fig21 and the
# DiD by the rules of docs/analysis.md with cleval's default settings, and
# writes them as JSON in report.json's shape ({id: {columns, rows}}).
#
# Usage: Rscript bench/peer/report.R CSVDIR ITEMS.csv OUT.json
#
# The rules cleval applies that docs/analysis.md states or implies are the
# ones bench/peer/report.py lists: a leader's stage submitted more than once
# keeps one submission (one with knowledge answers before one without,
# then the most knowledge items answered, then the latest; `cleval
# import`'s default duplicates rule most_complete); percent area scores, missing
# when fewer than half the area's items are answered; Holm over the tested
# areas; Wilcoxon exact only under 50 pairs with no zeros and no ties.
# Timestamps are ISO 8601 UTC in one form, so they order as text.
suppressPackageStartupMessages(library(sandwich))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: report.R CSVDIR ITEMS.csv OUT.json")
csvdir <- args[1]
AREAS <- c("leadership", "management", "coordination", "networking")
GROUPS <- list(college = c("fe_college", "sixth_form_college"), send_ap = c("special", "ap"),
               mainstream = "mainstream")
SMALL <- 5
FEWER <- "fewer than 5"
CUTOFF <- "2018-07-31"; POST_FROM <- "2020-03-01"; POST_TO <- "2021-03-31"
FULL <- 100; MIN_ANSWERED <- 0.5

rd <- function(name, cc) read.csv(file.path(csvdir, name), colClasses = cc,
                                  na.strings = character(0), check.names = FALSE)
chr <- function(path) read.csv(path, colClasses = "character", na.strings = character(0))

# ---- JSON ----------------------------------------------------------------------
jnum <- function(x) if (is.null(x) || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
jint <- function(x) sprintf("%d", as.integer(x))
jstr <- function(s) paste0('"', gsub('(["\\\\])', "\\\\\\1", s), '"')
tables <- list()
new_table <- function(columns) list(columns = columns, rows = list())
# a row: named JSON tokens, the rest null
add_row <- function(tab_, ...) {
  kv <- list(...)
  row <- vapply(tab_$columns, function(c) if (is.null(kv[[c]])) "null" else kv[[c]], "")
  tab_$rows[[length(tab_$rows) + 1]] <- unname(row)
  tab_
}
suppress_row <- function(tab_, ...) {
  kv <- list(...)
  kv[[tab_$columns[match("n", tab_$columns) + 1]]] <- jstr(FEWER)
  do.call(add_row, c(list(tab_), kv))
}
write_json <- function(tables, path) {
  out <- vapply(names(tables), function(id) {
    t <- tables[[id]]
    rows <- vapply(t$rows, function(r) paste0("[", paste(r, collapse = ","), "]"), "")
    paste0(jstr(id), ":{\"columns\":[", paste(jstr(t$columns), collapse = ","),
           "],\"rows\":[", paste(rows, collapse = ","), "]}")
  }, "")
  writeLines(paste0("{", paste(out, collapse = ","), "}"), path)
}

# ---- knowledge: area scores ---------------------------------------------------
items <- chr(args[2])
know <- items[items$instrument == "self-assessment" & items$area != "", ]
total <- table(factor(know$role), factor(know$area, levels = AREAS))
knowledge <- table(know$role)
leaders <- rd("leaders.csv", "character")
ests <- rd("establishments.csv", "character")

sa <- read.csv(file.path(csvdir, "self-assessment.csv"),
               colClasses = c("character", "character", "character", "character", "numeric"))
sa <- sa[sa$stage %in% c("pre", "post"), ]
area <- match(know$area[match(sa$item_id, know$item_id)], AREAS)
key <- paste(sa$leader_id, sa$stage, sa$submitted_at, sep = "\t")
ukey <- unique(key)
sid <- match(key, ukey)
first <- match(seq_along(ukey), sid)
sub <- data.frame(leader = sa$leader_id[first], stage = sa$stage[first],
                  at = sa$submitted_at[first],
                  nknow = tabulate(sid[!is.na(area)], nbins = length(ukey)))
sub$role <- leaders$role[match(sub$leader, leaders$leader_id)]
sub$complete <- sub$nknow == as.vector(knowledge[sub$role])
sub$id <- seq_len(nrow(sub))
# one with knowledge answers before one without (under every rule), then
# the most knowledge items answered, then the latest (most_complete)
sub <- sub[order(sub$leader, sub$stage, sub$nknow, sub$at), ]
sub <- sub[!duplicated(sub[c("leader", "stage")], fromLast = TRUE), ]
# sums and counts per kept submission and area
rows <- !is.na(area) & sid %in% sub$id
cell <- (sid[rows] - 1) * 4 + area[rows]
sums <- rowsum(sa$value[rows], cell)
cnts <- tabulate(cell, nbins = 4 * length(ukey))
score <- function(s, a) {
  c <- (s$id - 1) * 4 + a
  k <- cnts[c]
  x <- sums[match(c, as.integer(rownames(sums)))]
  tot <- as.vector(total[cbind(s$role, AREAS[a])])
  ifelse(k > 0 & k + 1e-9 >= MIN_ANSWERED * tot, x / (5 * k) * 100, NA)
}
pre <- sub[sub$stage == "pre", ]
post <- sub[sub$stage == "post", ]
matched <- sort(intersect(pre$leader, post$leader))
pre <- pre[match(matched, pre$leader), ]
post <- post[match(matched, post$leader), ]
S0 <- sapply(1:4, function(a) score(pre, a))
S1 <- sapply(1:4, function(a) score(post, a))
if (!is.matrix(S0)) { S0 <- matrix(S0, ncol = 4); S1 <- matrix(S1, ncol = 4) }
type <- ests$type[match(leaders$urn[match(matched, leaders$leader_id)], ests$urn)]

paired_cells <- function(x0, x1) {
  tt <- t.test(x1, x0, paired = TRUE)
  d <- x1 - x0
  list(n = jint(length(d)), pre_mean = jnum(mean(x0)), post_mean = jnum(mean(x1)),
       mean_diff = jnum(unname(tt$estimate)), ci_low = jnum(tt$conf.int[1]),
       ci_high = jnum(tt$conf.int[2]), t = jnum(unname(tt$statistic)),
       df = jint(tt$parameter), p = jnum(tt$p.value), cohens_dz = jnum(mean(d) / sd(d)))
}

fig1 <- new_table(c("area", "n", "pre_mean", "post_mean", "mean_diff", "ci_low", "ci_high", "t",
                    "df", "p", "p_holm", "cohens_dz", "wilcoxon_v", "wilcoxon_p"))
res <- list(); ps <- c()
for (a in 1:4) {
  ok <- !is.na(S0[, a]) & !is.na(S1[, a])
  x0 <- S0[ok, a]; x1 <- S1[ok, a]
  if (length(x0) < SMALL) { res[[a]] <- list(n = length(x0)); ps[a] <- NA; next }
  cells <- paired_cells(x0, x1)
  d <- x1 - x0
  nz <- d[d != 0]
  if (length(nz) > 0) {
    exact <- length(d) < 50 && length(nz) == length(d) && !anyDuplicated(abs(nz))
    w <- suppressWarnings(wilcox.test(x1, x0, paired = TRUE, exact = exact, correct = TRUE))
    cells$wilcoxon_v <- jnum(unname(w$statistic))
    cells$wilcoxon_p <- jnum(w$p.value)
  }
  res[[a]] <- cells
  ps[a] <- t.test(x1, x0, paired = TRUE)$p.value
}
holm <- rep(NA, 4)
holm[!is.na(ps)] <- p.adjust(ps[!is.na(ps)], method = "holm")
for (a in 1:4) {
  if (is.na(ps[a])) fig1 <- suppress_row(fig1, area = jstr(AREAS[a]), n = jint(res[[a]]$n))
  else fig1 <- do.call(add_row, c(list(tab_ = fig1, area = jstr(AREAS[a]), p_holm = jnum(holm[a])),
                                  res[[a]]))
}
tables$fig1 <- fig1

table1 <- new_table(c("group", "area", "n", "pre_mean", "post_mean", "mean_diff", "ci_low",
                      "ci_high", "p"))
for (g in names(GROUPS)) for (a in 1:4) {
  ok <- type %in% GROUPS[[g]] & !is.na(S0[, a]) & !is.na(S1[, a])
  if (sum(ok) < SMALL) {
    table1 <- suppress_row(table1, group = jstr(g), area = jstr(AREAS[a]), n = jint(sum(ok)))
  } else {
    cells <- paired_cells(S0[ok, a], S1[ok, a])
    table1 <- do.call(add_row, c(list(tab_ = table1, group = jstr(g), area = jstr(AREAS[a])),
                                 cells[c("n", "pre_mean", "post_mean", "mean_diff", "ci_low",
                                         "ci_high", "p")]))
  }
}
tables$table1 <- table1

# ---- benchmarks: baseline and post returns --------------------------------------
comp <- read.csv(file.path(csvdir, "compass.csv"),
                 colClasses = c("character", "character", rep("numeric", 8)))
bms <- paste0("bm", 1:8)
full <- as.matrix(comp[bms]) >= FULL
full[is.na(full)] <- FALSE
comp$achieved <- rowSums(full)
comp$date <- substr(comp$submitted_at, 1, 10)
comp$order <- seq_len(nrow(comp))
enrol <- rd("enrolments.csv", "character")
enrol$urn <- leaders$urn[match(enrol$leader_id, leaders$leader_id)]
done <- enrol[enrol$status == "completed" & enrol$completion_date != "", ]
start <- tapply(done$start_date, done$urn, min)
completion <- tapply(done$completion_date, done$urn, max)
neither <- setdiff(unique(enrol$urn), names(start))
keep <- !(comp$urn %in% neither)
comp <- comp[keep, ]
full <- full[keep, , drop = FALSE]
comp$start <- unname(start[comp$urn])
comp$completion <- unname(completion[comp$urn])
o <- order(comp$urn, comp$submitted_at, comp$order)
comp <- comp[o, ]
full <- full[o, , drop = FALSE]
i <- which(comp$date <= CUTOFF)
by_cut <- i[!duplicated(comp$urn[i], fromLast = TRUE)]
i <- which(!is.na(comp$start) & comp$date < comp$start)
fallback <- i[!duplicated(comp$urn[i])]
fallback <- fallback[!(comp$urn[fallback] %in% comp$urn[by_cut])]
base <- c(by_cut, fallback)
names(base) <- comp$urn[base]
i <- which(comp$date >= POST_FROM & comp$date <= POST_TO &
           (is.na(comp$completion) | comp$date > comp$completion))
pst <- i[!duplicated(comp$urn[i], fromLast = TRUE)]
names(pst) <- comp$urn[pst]
units <- sort(intersect(names(base), names(pst)))
b0 <- base[units]; p1 <- pst[units]
e <- ests[match(units, ests$urn), ]
trained <- !is.na(comp$start[p1])
hub <- e$hub != "" & (e$hub_joined == "" | e$hub_joined <= comp$date[p1])
y0 <- comp$achieved[b0]; y1 <- comp$achieved[p1]

bm_row <- function(t, name, sel) {
  n <- sum(sel)
  if (n < SMALL) return(suppress_row(t, group = jstr(name), n = jint(n)))
  tt <- t.test(y1[sel], y0[sel], paired = TRUE)
  add_row(t, group = jstr(name), n = jint(n), baseline_mean = jnum(mean(y0[sel])),
          post_mean = jnum(mean(y1[sel])), change = jnum(unname(tt$estimate)),
          ci_low = jnum(tt$conf.int[1]), ci_high = jnum(tt$conf.int[2]))
}
cols <- c("group", "n", "baseline_mean", "post_mean", "change", "ci_low", "ci_high")
fig18 <- bm_row(bm_row(new_table(cols), "trained", trained), "untrained", !trained)
fig19 <- new_table(cols)
fig19 <- bm_row(fig19, "trained_hub", trained & hub)
fig19 <- bm_row(fig19, "trained_nohub", trained & !hub)
fig19 <- bm_row(fig19, "untrained_hub", !trained & hub)
fig19 <- bm_row(fig19, "untrained_nohub", !trained & !hub)
tables$fig18 <- fig18
tables$fig19 <- fig19

fig21 <- new_table(c("benchmark", "group", "n", "baseline_pct", "post_pct"))
for (b in 1:8) for (g in c("trained", "untrained")) {
  sel <- if (g == "trained") trained else !trained
  n <- sum(sel)
  if (n < SMALL) {
    fig21 <- suppress_row(fig21, benchmark = jint(b), group = jstr(g), n = jint(n))
  } else {
    fig21 <- add_row(fig21, benchmark = jint(b), group = jstr(g), n = jint(n),
                     baseline_pct = jnum(100 * sum(full[b0[sel], b]) / n),
                     post_pct = jnum(100 * sum(full[p1[sel], b]) / n))
  }
}
tables$fig21 <- fig21

# ---- the DiD: OLS, cluster-robust SE by establishment ----------------------------
d <- data.frame(unit = rep(seq_along(units), 2), trained = rep(as.numeric(trained), 2),
                post = rep(c(0, 1), each = length(units)), hub = rep(as.numeric(hub), 2),
                y = c(y0, y1))
both <- length(unique(d$hub)) == 2
m <- if (both) lm(y ~ trained * post + hub + hub:post, data = d) else lm(y ~ trained * post, d)
V <- vcovCL(m, cluster = ~unit, type = "HC1")
G <- length(units)
est <- coef(m); se <- sqrt(diag(V)); q <- qt(0.975, G - 1)
terms <- c(intercept = "(Intercept)", trained = "trained", post = "post",
           trained_x_post = "trained:post", hub = "hub", hub_x_post = "post:hub")
if (!both) terms <- terms[1:4]
did <- new_table(c("term", "estimate", "se_cluster", "ci_low", "ci_high", "p"))
for (k in names(terms)) {
  b <- est[[terms[[k]]]]; s <- se[[terms[[k]]]]
  did <- add_row(did, term = jstr(k), estimate = jnum(b), se_cluster = jnum(s),
                 ci_low = jnum(b - q * s), ci_high = jnum(b + q * s),
                 p = jnum(2 * pt(-abs(b / s), G - 1)))
}
tables$did <- did
write_json(tables, args[3])
