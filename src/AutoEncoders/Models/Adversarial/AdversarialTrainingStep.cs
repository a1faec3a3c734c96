using AutoEncoders.Data;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// How an <see cref="AdversarialAutoencoder"/> trains (Makhzani et al., 2015, section 2): every mini-batch runs three
/// phases, each with its own optimiser (the adversarial two at
/// <see cref="AdversarialAutoencoderConfig.AdversarialLearningRateFactor"/> times the learning rate, Adam's beta1 0.5):
/// (1) reconstruction: encoder and decoder minimise the objective;
/// (2) discriminator: D learns to tell prior draws (label 1) from data codes (label 0), loss
///     0.5 * (BCE(D(z_prior), 1) + BCE(D(q(x)), 0));
/// (3) generator: the encoder learns to fool D, loss BCE(D(q(x)), 1).
/// At the game's equilibrium D's accuracy is 1/2 and both losses are near ln 2 = 0.693. Metrics add
/// "discriminator", "generator" and "discriminator_accuracy" to the objective's. Prior draws come from the
/// generator "prior" (seed + 3), which checkpoints keep with the three optimisers, so an interrupted and resumed run
/// ends with exactly the weights of an uninterrupted one.
/// </summary>
public sealed class AdversarialTrainingStep : ReconstructionStep
{
    private static readonly IReadOnlyDictionary<string, int> PriorGenerator = new Dictionary<string, int> { ["prior"] = 3 };
    private readonly AdversarialAutoencoder _model;

    /// <summary>The step of <paramref name="model"/>; <paramref name="objective"/> is the reconstruction phase's.</summary>
    public AdversarialTrainingStep(AdversarialAutoencoder model, Objective objective)
        : base(model, objective)
    {
        _model = model;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames => [.. base.MetricNames, "discriminator", "generator", "discriminator_accuracy"];

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, int> Generators => PriorGenerator;

    /// <inheritdoc />
    public override IReadOnlyList<optim.Optimizer> CreateOptimizers(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptimizerOptions adversarial = AdversarialGame.AdversarialPhaseOptions(options);
        return
        [
            options.Create(_model.AutoencoderParameters.ToArray()),
            adversarial.Create(_model.DiscriminatorParameters.ToArray()),
            adversarial.Create(_model.EncoderParameters.ToArray()),
        ];
    }

    /// <inheritdoc />
    public override double LearningRateFactor(int index) => index == 0 ? 1.0 : _model.AdversarialConfig.AdversarialLearningRateFactor;

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int terms = base.MetricNames.Count;
        double[] host = new double[terms + 3];
        Tensor target = batch.Features.to(context.Device);
        Tensor? labels = batch.Labels?.to(context.Device);
        IReadOnlyList<optim.Optimizer> optimizers = context.Optimizers;

        // (1) Reconstruction phase.
        ReconstructionPhase(batch, context, host, _model.AutoencoderParameters, optimizers[0]);

        // (2) Discriminator phase: prior draws are "real", data codes "fake".
        Generator prior = context.Random("prior");
        (Tensor discriminatorLoss, Tensor accuracy) = DiscriminatorLoss(_model.Encode(target).detach(), labels, prior);
        // The adversarial losses are read to the host once per step, with the generator's: a non-finite
        // discriminator loss is reported before the generator update, but after its own.
        context.Update(discriminatorLoss, _model.DiscriminatorParameters, optimizers[1]);

        // (3) Generator phase: the encoder tries to make D call its codes prior draws.
        Tensor generatorLoss = AdversarialGame.GeneratorLoss(_model.Discriminate(_model.Encode(target), labels));
        ReadScalars([discriminatorLoss, generatorLoss, accuracy]).CopyTo(host, terms);
        GuardFinite(host, context);
        context.Update(generatorLoss, _model.EncoderParameters, optimizers[2]);
        return host;
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(context);
        double[] reconstruction = base.Evaluate(batch, context, generator);
        Tensor target = batch.Features.to(context.Device);
        Tensor? labels = batch.Labels?.to(context.Device);
        Tensor code = _model.Encode(target);
        (Tensor discriminatorLoss, Tensor accuracy) = DiscriminatorLoss(code, labels, generator);
        Tensor generatorLoss = AdversarialGame.GeneratorLoss(_model.Discriminate(code, labels));
        return [.. reconstruction, .. ReadScalars([discriminatorLoss, generatorLoss, accuracy])];
    }

    private (Tensor Loss, Tensor Accuracy) DiscriminatorLoss(Tensor dataCodes, Tensor? labels, Generator generator)
    {
        // Explicit Scalars, alive until the method returns (see AdversarialGame.DiscriminatorLoss).
        using Scalar half = 0.5.ToScalar();
        using Scalar zero = 0.ToScalar();
        Tensor prior = labels is not null ? _model.SamplePrior(labels, generator) : _model.SamplePrior(dataCodes.shape[0], generator);
        Tensor real = _model.Discriminate(prior, labels);
        Tensor fake = _model.Discriminate(dataCodes, labels);
        Tensor loss = AdversarialGame.DiscriminatorLoss(real, fake);
        Tensor accuracy = (real.gt(zero).to(ScalarType.Float32).mean() + fake.le(zero).to(ScalarType.Float32).mean()).mul(half);
        return (loss, accuracy);
    }
}
