using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>The total loss of one mini-batch and its weighted terms, aligned with <see cref="Objective.TermNames"/>.</summary>
/// <param name="Total">Sum of the weighted terms (what is differentiated).</param>
/// <param name="Terms">Each term times its weight, in the order of <see cref="Objective.TermNames"/>.</param>
public sealed record ObjectiveValue(Tensor Total, IReadOnlyList<Tensor> Terms);
