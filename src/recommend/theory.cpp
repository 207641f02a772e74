#include "recommend/theory.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "common/parallel.hpp"

namespace lrfind {

// Every element is summed in row order, one product at a time (no fused
// multiply-add), so the clone vectorised for newer processors gives the same
// bits as the baseline one; four rows are taken per sweep of g so that it is
// loaded and stored once for them.
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define LRFIND_CLONES_FOR_AVX2 1
#endif
#endif
#if defined(LRFIND_CLONES_FOR_AVX2)
__attribute__((target_clones("avx2", "default")))  // resolved once, at load time (glibc's ifunc)
#endif
void detail::add_outer_products(const double* x, Index count, Index stride, Index d, double* g) {
  Index r = 0;
  for (; r + 4 <= count; r += 4) {
    const double* a = x + r * stride;
    const double* b = a + stride;
    const double* c = b + stride;
    const double* e = c + stride;
    for (Index i = 0; i < d; ++i) {
      const double ai = a[i], bi = b[i], ci = c[i], ei = e[i];
      double* gi = g + i * d;
      for (Index j = 0; j <= i; ++j) {
        double v = gi[j];
        v += ai * a[j];
        v += bi * b[j];
        v += ci * c[j];
        v += ei * e[j];
        gi[j] = v;
      }
    }
  }
  for (; r < count; ++r) {
    const double* a = x + r * stride;
    for (Index i = 0; i < d; ++i) {
      const double ai = a[i];
      double* gi = g + i * d;
      for (Index j = 0; j <= i; ++j) gi[j] += ai * a[j];
    }
  }
}

namespace {

// Calls fn with the rows `rows` of X as doubles, a chunk at a time: a run of
// consecutive rows of float64 storage in place, anything else gathered.
template <typename Fn>
void for_each_chunk(const Features& X, std::span<const Index> rows, Fn&& fn) {
  constexpr std::size_t kChunk = 4096;
  Matrix scratch;
  for (std::size_t start = 0; start < rows.size(); start += kChunk) {
    const std::size_t count = std::min(kChunk, rows.size() - start);
    const std::span<const Index> chunk = rows.subspan(start, count);
    const bool consecutive = chunk.back() - chunk.front() == static_cast<Index>(count - 1) &&
                             std::adjacent_find(chunk.begin(), chunk.end(),
                                                [](Index a, Index b) { return b != a + 1; }) == chunk.end();
    if (consecutive) {
      fn(X.block(chunk.front(), static_cast<Index>(count), scratch));
    } else {
      X.gather(chunk, scratch);
      fn(Eigen::Ref<const Matrix>(scratch));
    }
  }
}

// Splits `rows` into parts fixed by their number alone and computes a
// partial result per part (on all cores) into `partials`, in order (kept by
// a caller that calls again: large partials are then not allocated anew).
template <typename Partial, typename Fn>
void per_part(std::span<const Index> rows, std::vector<Partial>& partials, Fn&& fn) {
  const std::size_t parts = part_count(rows.size(), 16384, 64);
  partials.resize(parts);
  parallel_for(parts, 0, [&](std::size_t p) {
    const std::size_t begin = rows.size() * p / parts;
    const std::size_t end = rows.size() * (p + 1) / parts;
    fn(rows.subspan(begin, end - begin), partials[p]);
  });
}

template <typename Partial, typename Fn>
std::vector<Partial> per_part(std::span<const Index> rows, Fn&& fn) {
  std::vector<Partial> partials;
  per_part(rows, partials, fn);
  return partials;
}

// out += X̃ᵀ(X̃v) over the rows `part` of sparse features: two passes over
// each row's non-zeros.
template <typename Scalar>
void sparse_gram_times(const Csr<Scalar>& X, std::span<const Index> part, const Eigen::VectorXd& v,
                       Eigen::VectorXd& out) {
  const Index d = X.cols;
  const double* w = v.data();
  double* o = out.data();
  for (const Index r : part) {
    const auto begin = static_cast<std::size_t>(X.offsets[static_cast<std::size_t>(r)]);
    const auto end = static_cast<std::size_t>(X.offsets[static_cast<std::size_t>(r) + 1]);
    double z = w[d];
    for (std::size_t k = begin; k < end; ++k) z += static_cast<double>(X.values[k]) * w[X.indices[k]];
    for (std::size_t k = begin; k < end; ++k) o[X.indices[k]] += static_cast<double>(X.values[k]) * z;
    o[d] += z;
  }
}

// y = X̃ᵀ(X̃v)/n over row chunks, without forming X̃ᵀX̃: O(n·d) time, O(d) memory
// (O(non-zeros) time for sparse features, read a row at a time). `partials`
// is scratch kept from call to call.
void gram_times(const Features& X, std::span<const Index> rows, const Eigen::VectorXd& v, Eigen::VectorXd& y,
                std::vector<Eigen::VectorXd>& partials) {
  const Index d = X.cols();
  per_part(rows, partials, [&](std::span<const Index> part, Eigen::VectorXd& out) {
    out.setZero(d + 1);
    if (X.sparse()) {
      if (X.precision() == Precision::kFloat32)
        sparse_gram_times(X.csr32(), part, v, out);
      else
        sparse_gram_times(X.csr64(), part, v, out);
      return;
    }
    for_each_chunk(X, part, [&](const Eigen::Ref<const Matrix>& chunk) {
      const Eigen::VectorXd z = (chunk * v.head(d)).array() + v(d);
      out.head(d).noalias() += chunk.transpose() * z;
      out(d) += z.sum();
    });
  });
  y.setZero(d + 1);
  for (const Eigen::VectorXd& p : partials) y += p;
  y /= static_cast<double>(rows.size());
}

// The largest ‖x̃‖² = ‖x‖² + 1 of a row of sparse features.
double sparse_max_norm(const Features& X, std::span<const Index> part) {
  double largest = 0.0;
  for (const Index r : part) {
    double norm = 1.0;
    X.for_each_in_row(r, [&](Index, Index, double x) { norm += x * x; });
    largest = std::max(largest, norm);
  }
  return largest;
}

// The largest eigenvalue of G = X̃ᵀX̃/n over `rows`, and, when asked, the
// largest ‖x̃‖² of a row in the same pass over the data.
double gram_eigenvalue(const Features& X, std::span<const Index> rows, double* max_norm) {
  const Index d = X.cols() + 1;
  if (rows.empty()) return 0.0;
  // Up to a few hundred columns the Gram matrix G = X̃ᵀX̃/n is formed once (one
  // pass over the data; then d² per iteration); beyond that each iteration
  // multiplies through the data instead, so memory stays O(d).
  constexpr Index kMaxGramColumns = 512;
  Eigen::MatrixXd gram;
  const auto chunk_norm = [](const Eigen::Ref<const Matrix>& chunk) {
    return chunk.rows() > 0 ? chunk.rowwise().squaredNorm().maxCoeff() + 1.0 : 0.0;
  };
  if (d <= kMaxGramColumns) {
    // G = [XᵀX, Xᵀ1; 1ᵀX, n] over the rows.
    const Index f = d - 1;
    gram = Eigen::MatrixXd::Zero(d, d);
    struct Partial {
      Matrix xtx;  // lower triangle
      Eigen::RowVectorXd sums;
      double max_norm = 0.0;
    };
    const auto partials = per_part<Partial>(rows, [&](std::span<const Index> part, Partial& out) {
      out.xtx = Matrix::Zero(f, f);
      out.sums = Eigen::RowVectorXd::Zero(f);
      for_each_chunk(X, part, [&](const Eigen::Ref<const Matrix>& chunk) {
        detail::add_outer_products(chunk.data(), chunk.rows(), chunk.outerStride(), f, out.xtx.data());
        out.sums += chunk.colwise().sum();
        if (max_norm) out.max_norm = std::max(out.max_norm, chunk_norm(chunk));
      });
    });
    Matrix xtx = Matrix::Zero(f, f);
    Eigen::RowVectorXd sums = Eigen::RowVectorXd::Zero(f);
    for (const Partial& p : partials) {
      xtx += p.xtx;
      sums += p.sums;
      if (max_norm) *max_norm = std::max(*max_norm, p.max_norm);
    }
    gram.topLeftCorner(f, f) = xtx.selfadjointView<Eigen::Lower>();
    gram.block(f, 0, 1, f) = sums;
    gram.block(0, f, f, 1) = sums.transpose();
    gram(f, f) = static_cast<double>(rows.size());
    gram /= static_cast<double>(rows.size());
  } else if (max_norm) {
    for (const double m : per_part<double>(rows, [&](std::span<const Index> part, double& out) {
           out = 0.0;
           if (X.sparse()) {
             out = sparse_max_norm(X, part);
             return;
           }
           for_each_chunk(X, part, [&](const Eigen::Ref<const Matrix>& chunk) { out = std::max(out, chunk_norm(chunk)); });
         }))
      *max_norm = std::max(*max_norm, m);
  }
  // A fixed start (ones plus a ramp) keeps the result deterministic; it is
  // orthogonal to the leading eigenvector only by a measure-zero accident.
  Eigen::VectorXd v(d);
  for (Index i = 0; i < d; ++i) v(i) = 1.0 + 0.01 * static_cast<double>(i);
  v.normalize();
  double lambda = 0.0;
  Eigen::VectorXd w(d);
  std::vector<Eigen::VectorXd> partials;
  // Through sparse data each iteration is a pass over the non-zeros: a
  // bound needs three digits, not ten, so fewer and looser iterations (the
  // Rayleigh quotient's error is about the square of the vector's).
  const bool through_sparse = X.sparse() && d > kMaxGramColumns;
  const int iterations = d <= kMaxGramColumns ? 1000 : through_sparse ? 100 : 200;
  const double tolerance = through_sparse ? 1e-5 : 1e-10;
  for (int iteration = 0; iteration < iterations; ++iteration) {
    if (d <= kMaxGramColumns)
      w.noalias() = gram * v;
    else
      gram_times(X, rows, v, w, partials);
    const double next = v.dot(w);  // Rayleigh quotient
    const double norm = w.norm();
    if (norm == 0.0) return 0.0;
    v = w / norm;
    if (std::abs(next - lambda) <= tolerance * std::abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

}  // namespace

double largest_gram_eigenvalue(const Features& X, std::span<const Index> rows) {
  return gram_eigenvalue(X, rows, nullptr);
}

std::optional<Theory> estimate_theory(std::optional<double> c, double l2, const Features& X,
                                      std::span<const Index> rows, Index batch_size) {
  if (!c || rows.empty()) return std::nullopt;
  Theory t;
  double max_norm = 0.0;  // the largest ‖x̃‖² = ‖x‖² + 1 of a row
  t.smoothness = *c * gram_eigenvalue(X, rows, &max_norm) + l2;
  t.max_example_smoothness = *c * max_norm + l2;
  t.max_stable_lr_full_batch = 2.0 / t.smoothness;
  const double n = static_cast<double>(rows.size());
  const double b = batch_size <= 0 ? n : std::min(static_cast<double>(batch_size), n);
  t.batch_size = static_cast<Index>(b);
  t.expected_smoothness = n > 1.0 ? n * (b - 1.0) / (b * (n - 1.0)) * t.smoothness +
                                        (n - b) / (b * (n - 1.0)) * t.max_example_smoothness
                                  : t.max_example_smoothness;
  t.minibatch_lr_bound = 1.0 / (2.0 * t.expected_smoothness);
  return t;
}

}  // namespace lrfind
