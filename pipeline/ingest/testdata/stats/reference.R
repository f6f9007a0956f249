# Reference statistics for pipeline/stats_reference_test.go, computed with R
# independently of the Go code, from the raw reference responses.
# Run from this folder:  Rscript reference.R   (R 4.2; writes the *.csv here)
options(digits = 17)
raw <- read.csv("../../../data/responses.csv", encoding = "UTF-8", check.names = FALSE,
                na.strings = "", stringsAsFactors = FALSE)
ville <- raw[[2]]
questions <- list(profil = raw[[3]], q1_levier = raw[[4]], q2_innovateur = raw[[5]],
                  q4_ressources = raw[[7]], q5_pouvoirs_publics = raw[[8]])

chisq_row <- function(name, tab) {
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  # correct = FALSE: Pearson's X² without Yates's continuity correction
  asym <- suppressWarnings(chisq.test(tab, correct = FALSE))
  set.seed(20201124)
  sim <- chisq.test(tab, simulate.p.value = TRUE, B = 2000)
  n <- sum(tab)
  data.frame(question = name, statistic = unname(asym$statistic), df = unname(asym$parameter),
             p_value = asym$p.value, p_simulated = sim$p.value, min_expected = min(asym$expected),
             cramers_v = sqrt(unname(asym$statistic) / (n * (min(dim(tab)) - 1))), n = n,
             table = paste(apply(tab, 1, paste, collapse = " "), collapse = ";"))
}

rows <- list()
for (name in names(questions)) {
  ok <- !is.na(ville) & !is.na(questions[[name]])
  rows[[name]] <- chisq_row(name, table(ville[ok], questions[[name]][ok]))
}
# Edge cases, as tables (rows = meetings, columns = answers).
edge <- list(
  zero_cell = matrix(c(5, 0, 3, 4), 2, byrow = TRUE),
  one_each  = matrix(c(1, 0, 0, 1), 2, byrow = TRUE),
  three_by_three = matrix(c(10, 2, 3, 4, 12, 1, 2, 3, 9), 3, byrow = TRUE),
  large = matrix(c(60, 40, 35, 65, 50, 50), 3, byrow = TRUE)
)
for (name in names(edge)) rows[[name]] <- chisq_row(name, as.table(edge[[name]]))
write.csv(do.call(rbind, rows), "reference_chisq.csv", row.names = FALSE)

# Wilson intervals: prop.test without continuity correction, for the
# reference data's q4/q5 counts and edge cases (0 and n successes, n = 1).
wilson <- data.frame(k = c(0, 10, 1, 0, 6, 27, 29, 2, 19, 22, 16, 3, 57, 88), n = c(10, 10, 1, 1, 33, 33, 31, 31, 25, 25, 27, 23, 145, 145))
ci <- t(mapply(function(k, n) prop.test(k, n, correct = FALSE)$conf.int, wilson$k, wilson$n))
wilson$low <- ci[, 1]
wilson$high <- ci[, 2]
write.csv(wilson, "reference_wilson.csv", row.names = FALSE)

# Weighted pooled figures: share = Σw(answer)/Σw, Kish's effective n =
# (Σw)²/Σw², Wilson's interval with that n (written out, as prop.test takes
# only whole counts).
meeting <- c(rep("m0", 6), rep("m1", 4))
answer <- c("a0", "a0", "a1", "a0", "a1", "a0", "a1", "a1", "a0", "a1")
w <- c(1.5, 1.5, 1.5, 0.5, 2, 1, 0.8, 0.8, 1.2, 3)
z <- qnorm(0.975)
neff <- sum(w)^2 / sum(w^2)
weighted <- do.call(rbind, lapply(c("a0", "a1"), function(a) {
  p <- sum(w[answer == a]) / sum(w)
  den <- 1 + z^2 / neff
  centre <- (p + z^2 / (2 * neff)) / den
  half <- z / den * sqrt(p * (1 - p) / neff + z^2 / (4 * neff^2))
  data.frame(answer = a, share = p, n_eff = neff, low = centre - half, high = centre + half)
}))
write.csv(weighted, "reference_weighted.csv", row.names = FALSE)
