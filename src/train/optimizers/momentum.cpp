// torch.optim.SGD with momentum μ = 0.9 and dampening 0: b <- g on the first
// step, then b <- μ·b + g; plain: p <- p - lr·b; Nesterov: p <- p - lr·(g + μ·b).
// Sutskever et al., "On the importance of initialization and momentum", 2013.
//
// Lazily, without L2 and at a constant rate: over k steps with a zero
// gradient the buffer becomes μ^k·b and the weight moves by
// lr·b·(μ + ... + μ^k) (plain) or lr·b·(μ² + ... + μ^(k+1)) (Nesterov), so
// a feature is caught up in one step when it is next read (catch_up, before
// the scores) and every feature before an evaluation (settle).
#include <algorithm>
#include <vector>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class Momentum final : public Optimizer {
 public:
  Momentum(double momentum, bool nesterov) : momentum_(momentum), nesterov_(nesterov) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"momentum", momentum_}, {"dampening", 0.0}};
  }
  void reset(Index rows, Index cols) override {
    buffer_.setZero(rows, cols);
    first_ = true;
    // Feature-major: the step count at which each feature was last brought up to date.
    last_step_.assign(layout() == Layout::kFeatureMajor ? static_cast<std::size_t>(cols) : 0, 0);
    steps_ = 0;
    rates_.resize(0);
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (first_) {
      buffer_ = g;
      first_ = false;
    } else {
      buffer_ = momentum_ * buffer_ + g;
    }
    for (Index j = 0; j < params.cols(); ++j) {
      if (nesterov_)
        params.col(j).noalias() -= lr(j) * (g.col(j) + momentum_ * buffer_.col(j));
      else
        params.col(j).noalias() -= lr(j) * buffer_.col(j);
    }
  }
  void keep_columns(const std::vector<Index>& columns) override {
    keep_stacked(buffer_, columns);
    if (rates_.size() == 0) return;
    Eigen::RowVectorXd kept(static_cast<Index>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c) kept(static_cast<Index>(c)) = rates_(columns[c]);
    rates_ = kept;
  }

  bool lazy(double l2, bool constant_rate) const override { return l2 == 0.0 && constant_rate; }
  void catch_up(Params& params, std::span<const std::int32_t> features) override {
    for (const std::int32_t f : features) catch_up(params, f);
  }
  void settle(Params& params) override {
    for (Index f = 0; f < params.cols(); ++f) catch_up(params, f);
  }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    rates_ = lr;
    const Index columns = params.rows();
    const auto update = [&](Index feature, const double* gradient) {
      catch_up(params, feature);  // a no-op after catch_up() on the batch's features
      last_step_[static_cast<std::size_t>(feature)] = steps_ + 1;
      double* p = params.col(feature).data();
      double* b = buffer_.col(feature).data();
      for (Index c = 0; c < columns; ++c) {
        b[c] = momentum_ * b[c] + gradient[c];
        if (nesterov_)
          p[c] -= lr(c) * (gradient[c] + momentum_ * b[c]);
        else
          p[c] -= lr(c) * b[c];
      }
    };
    for (std::size_t i = 0; i < g.rows.size(); ++i) update(g.rows[i], g.values.col(static_cast<Index>(i)).data());
    update(params.cols() - 1, g.intercept.data());
    ++steps_;
  }

 private:
  // Applies the steps feature f missed since it was last brought up to date.
  void catch_up(Params& params, Index f) {
    std::int64_t& last = last_step_[static_cast<std::size_t>(f)];
    const std::int64_t k = steps_ - last;
    if (k == 0) return;
    last = steps_;
    grow_tables(static_cast<std::size_t>(k));
    const double decay = powers_[static_cast<std::size_t>(k)];
    // Σ μ^i for i = 1..k; Nesterov's sum is μ times it.
    const double moved = nesterov_ ? momentum_ * sums_[static_cast<std::size_t>(k)] : sums_[static_cast<std::size_t>(k)];
    double* p = params.col(f).data();
    double* b = buffer_.col(f).data();
    for (Index c = 0; c < params.rows(); ++c) {
      p[c] -= rates_(c) * (b[c] * moved);
      b[c] *= decay;
    }
  }
  void grow_tables(std::size_t k) {
    if (k < powers_.size()) return;
    if (powers_.empty()) {
      powers_ = {1.0};
      sums_ = {0.0};
    }
    const std::size_t last = std::max(k, 2 * powers_.size());
    for (std::size_t j = powers_.size(); j <= last; ++j) {
      powers_.push_back(powers_[j - 1] * momentum_);
      sums_.push_back(sums_[j - 1] + powers_[j]);
    }
  }

  double momentum_;
  bool nesterov_;
  Params buffer_;
  bool first_ = true;
  std::vector<std::int64_t> last_step_;
  std::int64_t steps_ = 0;
  Eigen::RowVectorXd rates_;   // the constant rates of the lazy steps
  std::vector<double> powers_;  // μ^k
  std::vector<double> sums_;    // μ + ... + μ^k
};

}  // namespace

OptimizerEntry momentum_optimizer() {
  return {"momentum", "SGD with momentum 0.9 (torch.optim.SGD, dampening 0)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Momentum>(0.9, false); }, false};
}

OptimizerEntry nesterov_optimizer() {
  return {"nesterov", "SGD with Nesterov momentum 0.9",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Momentum>(0.9, true); }, false};
}

}  // namespace lrfind
