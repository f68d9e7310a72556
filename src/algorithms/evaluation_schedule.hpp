#pragma once

#include "gridnmf/algorithms/solver_settings.hpp"

namespace gridnmf {

// Which iterates a driver evaluates the objective of, where the evaluation is
// a pass of its own over V: dense beta-divergence MU takes a logarithm or a
// power per entry for it, as much as the rest of a half costs without GEMMs.
// Evaluated: the start, iteration 1, every kInterval-th iteration (as
// scikit-learn's MU checks its tolerance), the iterations the caller shows,
// the last one, and the one after a stop vote (time limit or signal). The
// decision depends on the iteration number only, so every rank and a resumed
// run take the same one.
class EvaluationSchedule {
 public:
  static constexpr int kInterval = 10;

  EvaluationSchedule(const StoppingRule& rule, bool every_iteration)
      : rule_(rule), every_iteration_(every_iteration) {}

  bool evaluates(int iterate) const {
    return every_iteration_ || forced_ || iterate <= 1 || iterate % kInterval == 0 ||
           (rule_.max_iterations > 0 && iterate >= rule_.max_iterations) ||
           (rule_.shown_every > 0 && iterate % rule_.shown_every == 0);
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
