using AutoEncoders.Evaluation;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models;

/// <summary>
/// Base of every autoencoder: a TorchSharp module whose forward pass returns an <see cref="AutoencoderOutput"/>,
/// with <see cref="Encode"/> and <see cref="Decode"/> for using what it learned. A kind says how it trains
/// (<see cref="CreateTrainingStep"/>) and what its evaluation adds (<see cref="EvaluationMetrics"/>); the loop lives in
/// the <see cref="Trainer"/>.
/// </summary>
public abstract class Autoencoder : nn.Module<Tensor, AutoencoderOutput>
{
    /// <summary>Creates the module with a name used in state dictionaries.</summary>
    /// <exception cref="AutoEncoders.Runtime.TorchUnavailableException">libtorch cannot load here; the message says why.</exception>
    // Loads libtorch first, so that a machine that cannot gets the one-sentence cause, not TorchSharp's.
    protected Autoencoder(string name)
        : base(AutoEncoders.Runtime.TorchRuntime.Loaded(name))
    {
    }

    /// <summary>The configuration this model was built from; saving it and the weights reproduces the model.</summary>
    public abstract ModelConfig Config { get; }

    /// <summary>The code of a batch of inputs (the posterior mean for variational models).</summary>
    public abstract Tensor Encode(Tensor input);

    /// <summary>The reconstruction (data space, after the output activation) for a batch of codes.</summary>
    public abstract Tensor Decode(Tensor code);

    /// <summary>Decode(Encode(input)), shaped like the input.</summary>
    public virtual Tensor Reconstruct(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return Decode(Encode(input)).reshape(input.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Number of parameters (shared parameters counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Number of parameters that require gradients.</summary>
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>
    /// How this kind trains on <paramref name="objective"/>: the <see cref="ReconstructionStep"/> by default; a kind
    /// with its own phases (the adversarial autoencoder) returns its own <see cref="TrainingStep"/>.
    /// </summary>
    public virtual TrainingStep CreateTrainingStep(Objective objective) => new ReconstructionStep(this, objective);

    /// <summary>
    /// Metrics this kind adds to the common test evaluation (<see cref="ModelEvaluation"/>), by name; none by default.
    /// A kind without a likelihood bound refuses <see cref="ModelEvaluationOptions.ImportanceSamples"/> &gt; 0.
    /// </summary>
    /// <exception cref="ArgumentException">An option this kind cannot honour.</exception>
    public virtual IReadOnlyDictionary<string, double> EvaluationMetrics(TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ImportanceSamples > 0)
        {
            string kind = Config.GetType().Name.Replace("Config", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"the IWAE bound (importance samples) needs a variational model (kind \"vae\" or \"conv_vae\"); this is a {kind}.");
        }

        return new Dictionary<string, double>();
    }
}
