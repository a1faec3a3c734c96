using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// Everything one forward pass produces, for every model family (the pythae pattern: one output type, so losses
/// and penalties compose across models).
/// </summary>
public sealed class AutoencoderOutput
{
    /// <summary>The reconstruction, in data space (after the output activation), shaped like the input.</summary>
    public required Tensor Reconstruction { get; init; }

    /// <summary>
    /// The output layer's pre-activation when the output activation is a sigmoid, so binary cross-entropy can be
    /// computed from logits (stable for saturated outputs); null otherwise.
    /// </summary>
    public Tensor? Logits { get; init; }

    /// <summary>The code z: the deterministic code, or the reparameterised sample for variational models.</summary>
    public required Tensor Code { get; init; }

    /// <summary>Encoder layers in order, the last being the code layer; empty when a model does not expose them.</summary>
    public IReadOnlyList<HiddenActivation> Hidden { get; init; } = [];

    /// <summary>Posterior mean (variational models).</summary>
    public Tensor? Mean { get; init; }

    /// <summary>Posterior log-variance log sigma^2 (variational models).</summary>
    public Tensor? LogVariance { get; init; }

    /// <summary>The code layer's details, when exposed.</summary>
    public HiddenActivation? CodeLayer => Hidden.Count > 0 ? Hidden[^1] : null;

    /// <summary>Hidden layer by index (negative counts from the end: -1 is the code layer).</summary>
    public HiddenActivation Layer(int index)
    {
        int i = index < 0 ? Hidden.Count + index : index;
        if (i < 0 || i >= Hidden.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The model exposes {Hidden.Count} encoder layers (0..{Hidden.Count - 1}, or -1 for the code layer).");
        }

        return Hidden[i];
    }
}
