# Usage: Rscript tgcd-timing.R <R library holding tgcd 2.7> <folder of refglow_xNNN.csv> <runs per curve>
# (Benchmarks/Benchmarks/GlowCurveBenchmarks/RESULTS.md says how tgcd was installed and what was measured.)
# tgcd 2.7's default run on the shared GLOCANIN curves, timed. tgcd.default with its defaults
# (model "g1", nstart 60, kkf 0.03); the peak positions a user would click (tgcd asks for them with the
# mouse when inisPAR is NULL) are given instead as inisPAR, built the way tgcd builds them from clicks:
# Im = the curve at the clicked Tm, E ~ U(1, 2) eV, b ~ U(1.01, 1.99) (tgcd's setpars). The positions
# are the Tm of our automatic fit (same number of peaks), rounded to 1 K. edit.inis = FALSE (no editor),
# plot = FALSE (only the fit is timed). CPU time = user + sys of this R process; median of `reps` runs.
args <- commandArgs(trailingOnly = TRUE)
lib <- args[1]; data <- args[2]; reps <- as.integer(args[3])
library(tgcd, lib.loc = lib)
tms <- list(x001 = c(490), x002 = c(417, 457, 484, 512), x005 = c(352, 363, 412, 416, 454, 483, 510),
            x006 = c(357, 412, 451, 481, 507), x007 = c(452, 485, 507), x008 = c(452, 486, 508))
for (name in names(tms)) {
  d <- as.matrix(read.csv(file.path(data, paste0("refglow_", name, ".csv"))))
  tm <- tms[[name]]; n <- length(tm)
  cpu <- numeric(reps); wall <- numeric(reps); foms <- numeric(reps)
  for (i in seq_len(reps)) {
    set.seed(i)
    im <- approx(d[, 1], d[, 2], xout = tm)$y
    inis <- cbind(im, round(runif(n, 1.0, 2.0), 3), tm, round(runif(n, 1.01, 1.99), 3))
    st <- system.time(invisible(capture.output(
      r <- tgcd(d, npeak = n, inisPAR = inis, edit.inis = FALSE, plot = FALSE))))
    cpu[i] <- st[["user.self"]] + st[["sys.self"]]; wall[i] <- st[["elapsed"]]
    foms[i] <- r$FOM
  }
  cat(sprintf("%s npeak=%d cpu_median_ms=%.0f cpu_min_ms=%.0f cpu_max_ms=%.0f wall_median_ms=%.0f FOM_median=%.3f FOM_min=%.3f\n",
              name, n, 1000 * median(cpu), 1000 * min(cpu), 1000 * max(cpu), 1000 * median(wall), median(foms), min(foms)))
}
