using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>
/// Trains an <see cref="AdversarialAutoencoder"/> (Makhzani et al., 2015, section 2): every mini-batch runs three
/// phases, each with its own optimiser (the adversarial two at
/// <see cref="AdversarialAutoencoderConfig.AdversarialLearningRateFactor"/> times the learning rate, Adam's beta1 0.5):
/// (1) reconstruction: encoder and decoder minimise the objective;
/// (2) discriminator: D learns to tell prior draws (label 1) from data codes (label 0), loss
///     0.5 * (BCE(D(z_prior), 1) + BCE(D(q(x)), 0));
/// (3) generator: the encoder learns to fool D, loss BCE(D(q(x)), 1).
/// At the game's equilibrium D's accuracy is 1/2 and both losses are near ln 2 = 0.693. History columns add
/// "discriminator", "generator" and "discriminator_accuracy" to the objective's. Prior draws come from a generator
/// seeded from the options; checkpoints save its state with the three optimisers, the discriminator and the base
/// trainer's state, so an interrupted and resumed run ends with exactly the weights of an uninterrupted one.
/// </summary>
public class AdversarialTrainer : Trainer
{
    private readonly AdversarialAutoencoder _model;
    private Generator? _priorGenerator;

    /// <summary>Prepares adversarial training of <paramref name="model"/>; <paramref name="objective"/> is the reconstruction phase's.</summary>
    public AdversarialTrainer(AdversarialAutoencoder model, Objective objective, TrainerOptions? options = null)
        : base(model, objective, options)
    {
        _model = model;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames => [.. base.MetricNames, "discriminator", "generator", "discriminator_accuracy"];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, Generator> CheckpointedGenerators => new Dictionary<string, Generator> { ["prior"] = PriorGenerator };

    private Generator PriorGenerator => _priorGenerator ??= new Generator((ulong)Options.Seed + 3);

    /// <inheritdoc />
    protected override IEnumerable<optim.Optimizer> CreateOptimizers()
    {
        OptimizerOptions adversarial = Options.Optimizer.Kind is OptimizerKind.Adam or OptimizerKind.AdamW
            ? Options.Optimizer with { Beta1 = 0.5 }
            : Options.Optimizer;
        return
        [
            Options.Optimizer.Create(_model.AutoencoderParameters.ToArray()),
            adversarial.Create(_model.DiscriminatorParameters.ToArray()),
            adversarial.Create(_model.EncoderParameters.ToArray()),
        ];
    }

    /// <inheritdoc />
    protected override double LearningRateFactor(int index) => index == 0 ? 1.0 : _model.AdversarialConfig.AdversarialLearningRateFactor;

    /// <inheritdoc />
    protected override double[] TrainStep(Batch batch)
    {
        int terms = base.MetricNames.Count;
        double[] host = new double[terms + 3];
        Tensor target = batch.Features.to(Device);
        Tensor? labels = batch.Labels?.to(Device);
        Tensor input = Objective.Corruption?.Apply(target, NoiseGenerator) ?? target;
        IReadOnlyList<optim.Optimizer> optimizers = Optimizers;

        // (1) Reconstruction phase.
        ZeroAll(optimizers);
        AutoencoderOutput output = Model.forward(input);
        ObjectiveValue value = Objective.Compute(new LossContext { Model = Model, Target = target, Input = input, Output = output, Training = true, Epoch = CurrentEpoch, Step = Step });
        ReadMetrics(value).CopyTo(host, 0);
        GuardFinite(host);
        value.Total.backward();
        ClipGradients(_model.AutoencoderParameters);
        optimizers[0].step();

        // (2) Discriminator phase: prior draws are "real", data codes "fake".
        ZeroAll(optimizers);
        (Tensor discriminatorLoss, Tensor accuracy) = DiscriminatorLoss(_model.Encode(target).detach(), labels, PriorGenerator);
        // The adversarial losses are read to the host once per step, with the generator's: a non-finite
        // discriminator loss is reported before the generator update, but after its own.
        discriminatorLoss.backward();
        ClipGradients(_model.DiscriminatorParameters);
        optimizers[1].step();

        // (3) Generator phase: the encoder tries to make D call its codes prior draws.
        ZeroAll(optimizers);
        Tensor fooled = _model.Discriminate(_model.Encode(target), labels);
        Tensor generatorLoss = nn.functional.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled));
        double[] adversarial = ReadScalars(discriminatorLoss, generatorLoss, accuracy);
        adversarial.CopyTo(host, terms);
        GuardFinite(host);
        generatorLoss.backward();
        ClipGradients(_model.EncoderParameters);
        optimizers[2].step();
        return host;
    }

    /// <inheritdoc />
    protected override double[] EvaluateStep(Batch batch, Generator generator)
    {
        double[] reconstruction = base.EvaluateStep(batch, generator);
        Tensor target = batch.Features.to(Device);
        Tensor? labels = batch.Labels?.to(Device);
        Tensor code = _model.Encode(target);
        (Tensor discriminatorLoss, Tensor accuracy) = DiscriminatorLoss(code, labels, generator);
        Tensor fooled = _model.Discriminate(code, labels);
        Tensor generatorLoss = nn.functional.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled));
        return [.. reconstruction, .. ReadScalars(discriminatorLoss, generatorLoss, accuracy)];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _priorGenerator?.Dispose();
        }

        base.Dispose(disposing);
    }

    private (Tensor Loss, Tensor Accuracy) DiscriminatorLoss(Tensor dataCodes, Tensor? labels, Generator generator)
    {
        Tensor prior = labels is not null ? _model.SamplePrior(labels, generator) : _model.SamplePrior(dataCodes.shape[0], generator);
        Tensor real = _model.Discriminate(prior, labels);
        Tensor fake = _model.Discriminate(dataCodes, labels);
        Tensor loss = 0.5 * (nn.functional.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + nn.functional.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)));
        Tensor accuracy = 0.5 * (real.gt(0).to(ScalarType.Float32).mean() + fake.le(0).to(ScalarType.Float32).mean());
        return (loss, accuracy);
    }

    private static void ZeroAll(IReadOnlyList<optim.Optimizer> optimizers)
    {
        foreach (optim.Optimizer optimizer in optimizers)
        {
            optimizer.zero_grad();
        }
    }

    private static double[] ReadScalars(params Tensor[] values)
    {
        using Tensor stacked = torch.stack(values.Select(t => t.detach().to_type(ScalarType.Float64)).ToArray()).cpu();
        return stacked.data<double>().ToArray();
    }
}
