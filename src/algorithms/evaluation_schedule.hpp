#pragma once

#include "gridnmf/algorithms/solver_settings.hpp"

namespace gridnmf {

// Which iterates a driver evaluates the objective of, where the evaluation is
// a pass of its own over V: dense beta-divergence MU takes a logarithm or a
// power per entry for it, as much as the rest of a half costs without GEMMs.
// Scheduled: iteration 1 and every kInterval-th (as scikit-learn's MU checks
// its tolerance); the tolerance compares scheduled evaluations only. Also
// evaluated, to end every run on a recorded iterate: the start, the last
// iteration and the one after a stop vote (time limit or signal). The
// decision depends on the iteration number, the stopping rule and stop votes
// (which end the run), not on what is printed, so every rank, a quiet run
// and a resumed run take the same one.
class EvaluationSchedule {
 public:
  static constexpr int kInterval = 10;

  EvaluationSchedule(const StoppingRule& rule, bool every_iteration)
      : rule_(rule), every_iteration_(every_iteration) {}

  bool scheduled(int iterate) const {
    return every_iteration_ || iterate <= 1 || iterate % kInterval == 0;
  }
  bool evaluates(int iterate) const {
    return scheduled(iterate) || forced_ ||
           (rule_.max_iterations > 0 && iterate >= rule_.max_iterations);
  }
  // The last scheduled iterate at or before `iterate` (>= 1): where a run
  // resumed at `iterate` finds the tolerance's previous objective.
  int last_scheduled(int iterate) const {
    if (every_iteration_ || iterate <= 1) return iterate;
    return iterate < kInterval ? 1 : iterate / kInterval * kInterval;
  }
  // A stop was voted at an iterate not evaluated: evaluate the next one and
  // stop there, so the run ends on an iterate whose objective is recorded.
  void evaluate_from_now_on() { forced_ = true; }

 private:
  StoppingRule rule_;
  bool every_iteration_;
  bool forced_ = false;
};

}  // namespace gridnmf
