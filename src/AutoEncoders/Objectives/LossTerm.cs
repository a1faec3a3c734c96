using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// One term of an objective: a reconstruction loss or a penalty. The objective adds up Weight * Compute(context).
/// Terms are configuration (serialised by their "kind"), so a sparse, denoising, contractive autoencoder is a list
/// of terms and a corruption, not a class of its own.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(MeanSquaredError), "mse")]
[JsonDerivedType(typeof(BinaryCrossEntropy), "bce")]
[JsonDerivedType(typeof(L1ActivityPenalty), "l1_activity")]
[JsonDerivedType(typeof(KlSparsityPenalty), "kl_sparsity")]
[JsonDerivedType(typeof(SquaredSparsityPenalty), "squared_sparsity")]
[JsonDerivedType(typeof(ContractivePenalty), "contractive")]
[JsonDerivedType(typeof(KlDivergence), "kl_divergence")]
[JsonDerivedType(typeof(NegativeLogLikelihood), "nll")]
[JsonDerivedType(typeof(MmdPenalty), "mmd")]
[JsonDerivedType(typeof(InfoVaeDivergence), "info_vae")]
[JsonDerivedType(typeof(ImportanceWeightedBound), "iwae")]
[JsonDerivedType(typeof(TotalCorrelationDecomposition), "beta_tcvae")]
public abstract class LossTerm
{
    /// <summary>Multiplier of the term in the total loss (lambda or beta in the papers).</summary>
    public double Weight { get; init; } = 1.0;

    /// <summary>Short name used in logs and history columns, e.g. "mse", "kl_sparsity".</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>True when the term differentiates through the model input (exact Jacobian penalties).</summary>
    [JsonIgnore]
    public virtual bool NeedsInputGradient => false;

    /// <summary>The unweighted value of the term for one mini-batch, a scalar tensor.</summary>
    public abstract Tensor Compute(LossContext context);

    /// <summary>Checks the term's own settings, throwing <see cref="ArgumentException"/> naming the field; nothing to check by default.</summary>
    public virtual void Validate()
    {
    }

    /// <summary>
    /// Refuses, before the first step, a model or training settings the term cannot train with (a prior it does not
    /// support, a batch larger than it allows), throwing <see cref="ArgumentException"/> naming the field; nothing to
    /// check by default.
    /// </summary>
    public virtual void CheckTraining(Models.Autoencoder model, Training.TrainerOptions options)
    {
    }

    /// <summary>State carried across mini-batches (e.g. running means), for checkpoints; empty for stateless terms.</summary>
    public virtual IReadOnlyDictionary<string, Tensor> SaveState() => new Dictionary<string, Tensor>();

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    public virtual void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
    }

    /// <summary>Forgets carried state (a new training run).</summary>
    public virtual void ResetState()
    {
    }
}
