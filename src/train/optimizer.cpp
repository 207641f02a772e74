#include "train/optimizer.hpp"

#include <cmath>
#include <fmt/format.h>

#include "lrfind/error.hpp"

namespace lrfind {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
  return names;
}

std::unique_ptr<Optimizer> make_optimizer(std::string_view name) {
  // torch.optim's defaults.
  if (name == "sgd") return std::make_unique<Sgd>();
  if (name == "momentum") return std::make_unique<Momentum>(0.9, false);
  if (name == "nesterov") return std::make_unique<Momentum>(0.9, true);
  if (name == "adagrad") return std::make_unique<Adagrad>(1e-10);
  if (name == "rmsprop") return std::make_unique<RmsProp>(0.99, 1e-8);
  if (name == "adam") return std::make_unique<Adam>(0.9, 0.999, 1e-8);
  throw UsageError(fmt::format("unknown optimizer '{}' (choose sgd, momentum, nesterov, adagrad, rmsprop or adam)", name));
}

void keep_columns(Params& m, const std::vector<Index>& columns) {
  if (m.size() == 0) return;
  Params kept(m.rows(), static_cast<Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) kept.col(static_cast<Index>(j)) = m.col(columns[j]);
  m.swap(kept);
}

// Each element gets lr·g exactly as in step(): the same operations in the same order.
void Sgd::step(Params& params, const Params& g, double lr) { params.noalias() -= lr * g; }

void Sgd::step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) {
  const Index rows = params.rows();
  for (Index j = 0; j < params.cols(); ++j) {
    double* p = params.col(j).data();
    const double* gj = g.col(j).data();
    const double rate = lr(j);
    for (Index i = 0; i < rows; ++i) p[i] -= rate * gj[i];
  }
}

std::vector<std::pair<std::string, double>> Momentum::hyperparameters() const {
  return {{"momentum", momentum_}, {"dampening", 0.0}};
}

void Momentum::reset(Index rows, Index cols) {
  buffer_.setZero(rows, cols);
  first_ = true;
}

void Momentum::step(Params& params, const Params& g, double lr) {
  if (first_) {
    buffer_ = g;
    first_ = false;
  } else {
    buffer_ = momentum_ * buffer_ + g;
  }
  if (nesterov_)
    params.noalias() -= lr * (g + momentum_ * buffer_);
  else
    params.noalias() -= lr * buffer_;
}

void Momentum::step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) {
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

void Momentum::keep_columns(const std::vector<Index>& columns) { lrfind::keep_columns(buffer_, columns); }

std::vector<std::pair<std::string, double>> Adagrad::hyperparameters() const {
  return {{"eps", eps_}, {"lr_decay", 0.0}, {"initial_accumulator_value", 0.0}};
}

void Adagrad::reset(Index rows, Index cols) { sum_.setZero(rows, cols); }

void Adagrad::step(Params& params, const Params& g, double lr) {
  if (sum_.size() != g.size()) reset(g.rows(), g.cols());
  sum_.array() += g.array().square();
  params.array() -= lr * g.array() / (sum_.array().sqrt() + eps_);
}

void Adagrad::step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) {
  if (sum_.size() != g.size()) reset(g.rows(), g.cols());
  sum_.array() += g.array().square();
  for (Index j = 0; j < params.cols(); ++j)
    params.col(j).array() -= lr(j) * g.col(j).array() / (sum_.col(j).array().sqrt() + eps_);
}

void Adagrad::keep_columns(const std::vector<Index>& columns) { lrfind::keep_columns(sum_, columns); }

std::vector<std::pair<std::string, double>> RmsProp::hyperparameters() const {
  return {{"alpha", alpha_}, {"eps", eps_}};
}

void RmsProp::reset(Index rows, Index cols) { square_avg_.setZero(rows, cols); }

void RmsProp::step(Params& params, const Params& g, double lr) {
  if (square_avg_.size() != g.size()) reset(g.rows(), g.cols());
  square_avg_.array() = alpha_ * square_avg_.array() + (1.0 - alpha_) * g.array().square();
  params.array() -= lr * g.array() / (square_avg_.array().sqrt() + eps_);
}

void RmsProp::step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) {
  if (square_avg_.size() != g.size()) reset(g.rows(), g.cols());
  square_avg_.array() = alpha_ * square_avg_.array() + (1.0 - alpha_) * g.array().square();
  for (Index j = 0; j < params.cols(); ++j)
    params.col(j).array() -= lr(j) * g.col(j).array() / (square_avg_.col(j).array().sqrt() + eps_);
}

void RmsProp::keep_columns(const std::vector<Index>& columns) { lrfind::keep_columns(square_avg_, columns); }

std::vector<std::pair<std::string, double>> Adam::hyperparameters() const {
  return {{"beta1", beta1_}, {"beta2", beta2_}, {"eps", eps_}};
}

void Adam::reset(Index rows, Index cols) {
  m_.setZero(rows, cols);
  v_.setZero(rows, cols);
  t_ = 0;
}

void Adam::step(Params& params, const Params& g, double lr) {
  step_columns(params, g, Eigen::RowVectorXd::Constant(params.cols(), lr));
}

void Adam::step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) {
  if (m_.size() != g.size()) reset(g.rows(), g.cols());
  ++t_;
  m_.array() = beta1_ * m_.array() + (1.0 - beta1_) * g.array();
  v_.array() = beta2_ * v_.array() + (1.0 - beta2_) * g.array().square();
  const double bias_correction1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
  const double bias_correction2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
  for (Index j = 0; j < params.cols(); ++j) {
    const double step_size = lr(j) / bias_correction1;
    params.col(j).array() -= step_size * m_.col(j).array() / (v_.col(j).array().sqrt() / std::sqrt(bias_correction2) + eps_);
  }
}

void Adam::keep_columns(const std::vector<Index>& columns) {
  lrfind::keep_columns(m_, columns);
  lrfind::keep_columns(v_, columns);
}

}  // namespace lrfind
