using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Sparsity;

/// <summary>
/// k-sparse code (Makhzani and Frey, "k-Sparse Autoencoders", 2014): each sample keeps its k largest code units
/// and the rest are set to zero. At inference <see cref="InferenceK"/> units are kept (the paper uses alpha*k,
/// with alpha a small factor above 1, because the decoder was trained on exactly k).
/// </summary>
public sealed record KSparse : CodeSparsity
{
    /// <summary>Units kept per sample during training.</summary>
    public int K { get; init; } = 25;

    /// <summary>Units kept per sample at inference; null keeps <see cref="K"/>.</summary>
    public int? InferenceK { get; init; }

    /// <inheritdoc />
    public override Tensor Apply(Tensor activations, bool training)
    {
        ArgumentNullException.ThrowIfNull(activations);
        int k = training ? K : InferenceK ?? K;
        long units = activations.shape[^1];
        if (k >= units)
        {
            return activations.alias();
        }

        using var scope = torch.NewDisposeScope();
        Tensor indices = activations.topk(k, dim: -1).indexes;
        Tensor mask = torch.zeros_like(activations).scatter_(-1, indices, torch.ones(indices.shape, dtype: activations.dtype, device: activations.device));
        return (activations * mask).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Validate(int codeSize)
    {
        if (K < 1 || K > codeSize)
        {
            throw new ArgumentException($"sparsity.k must lie between 1 and the code size {codeSize}; found {K}.");
        }

        if (InferenceK is int ik && (ik < 1 || ik > codeSize))
        {
            throw new ArgumentException($"sparsity.inferenceK must lie between 1 and the code size {codeSize}; found {ik}.");
        }
    }
}
