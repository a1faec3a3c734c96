using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The three parts of E_x KL(q(z|x) || p(z)) for one mini-batch (Chen et al., 2018, eq. 2), scalar tensors in nats
/// per example: the index-code mutual information, the total correlation and the dimension-wise KL. They add up to
/// the mini-batch's single-sample KL estimate mean(log q(z|x) - log p(z)).
/// </summary>
/// <param name="MutualInformation">I_q(z; n) ~ mean(log q(z|x) - log q(z)).</param>
/// <param name="TotalCorrelation">KL(q(z) || prod_j q(z_j)) ~ mean(log q(z) - sum_j log q(z_j)).</param>
/// <param name="DimensionwiseKl">sum_j KL(q(z_j) || p(z_j)) ~ mean(sum_j log q(z_j) - log p(z)).</param>
public sealed record KlDecomposition(Tensor MutualInformation, Tensor TotalCorrelation, Tensor DimensionwiseKl);
