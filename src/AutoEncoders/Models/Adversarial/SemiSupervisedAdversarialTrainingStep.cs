using AutoEncoders.Data;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// How a <see cref="SemiSupervisedAdversarialAutoencoder"/> trains (Makhzani et al., 2015, section 5): every
/// mini-batch runs four phases, each with its own optimiser (the adversarial two at
/// <see cref="SemiSupervisedAdversarialAutoencoderConfig.AdversarialLearningRateFactor"/> times the rate, Adam beta1 0.5):
/// (1) reconstruction: encoder and decoder minimise the objective on the batch (labels unused);
/// (2) discriminators: D_y tells one-hot draws of the uniform categorical prior from softmax(y), D_z N(0, std^2 I) draws
///     from z, loss 0.5 * (BCE(D(prior), 1) + BCE(D(code), 0)) each, summed;
/// (3) generator: the encoder fools both, BCE(D_y(softmax y), 1) + BCE(D_z(z), 1);
/// (4) semi-supervised classification: cross-entropy of y on a mini-batch (the batch's size) drawn from the labelled
///     examples: <see cref="SemiSupervisedAdversarialAutoencoderConfig.LabelledExamples"/> of the training data,
///     chosen class-balanced with <see cref="SemiSupervisedAdversarialAutoencoderConfig.LabelSeed"/> when training starts.
/// Metrics add "discriminator", "generator", "classification" (the cross-entropy) and "classification_error" (on the
/// labelled mini-batch in training, on the batch's own labels in evaluation). Prior draws come from the generator
/// "prior" (seed + 3) and labelled mini-batches from "labelled" (seed + 4), both kept in checkpoints.
/// </summary>
public sealed class SemiSupervisedAdversarialTrainingStep : ReconstructionStep
{
    private static readonly IReadOnlyDictionary<string, int> StepGenerators = new Dictionary<string, int> { ["prior"] = 3, ["labelled"] = 4 };
    private readonly SemiSupervisedAdversarialAutoencoder _model;
    private Tensor? _labelledFeatures;
    private Tensor? _labelledLabels;

    /// <summary>The step of <paramref name="model"/>; <paramref name="objective"/> is the reconstruction phase's.</summary>
    public SemiSupervisedAdversarialTrainingStep(SemiSupervisedAdversarialAutoencoder model, Objective objective)
        : base(model, objective)
    {
        _model = model;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames => [.. base.MetricNames, "discriminator", "generator", "classification", "classification_error"];

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, int> Generators => StepGenerators;

    /// <summary>The labelled examples the classification phase draws from (after training started), or null.</summary>
    public long LabelledCount => _labelledLabels?.shape[0] ?? 0;

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
            options.Create(_model.EncoderParameters.ToArray()),
        ];
    }

    /// <inheritdoc />
    public override double LearningRateFactor(int index) => index is 1 or 2 ? _model.SemiSupervisedConfig.AdversarialLearningRateFactor : 1.0;

    /// <inheritdoc />
    public override string StreamedTrainingRefusal =>
        "model kind \"aae_semisupervised\" draws its labelled examples from the whole training set, and a streamed file has no labels; train on the data in memory (without --stream)";

    /// <summary>
    /// Keeps the labelled examples: a class-balanced, seeded choice of
    /// <see cref="SemiSupervisedAdversarialAutoencoderConfig.LabelledExamples"/>. Data without labels trains without
    /// the classification phase (the unsupervised clustering AAE of the paper's section 6); its metrics are then 0.
    /// </summary>
    public override void PrepareTraining(TensorDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        _labelledFeatures?.Dispose();
        _labelledLabels?.Dispose();
        (_labelledFeatures, _labelledLabels) = (null, null);
        if (train.Labels is null)
        {
            return;
        }

        SemiSupervisedAdversarialAutoencoderConfig config = _model.SemiSupervisedConfig;
        using TensorDataset labelled = train.Sample(config.LabelledExamples ?? train.Count, config.LabelSeed);
        _labelledFeatures = labelled.Features.detach().clone().DetachFromDisposeScope();
        _labelledLabels = labelled.Labels!.to(ScalarType.Int64).clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int terms = base.MetricNames.Count;
        double[] host = new double[terms + 4];
        Tensor target = batch.Features.to(context.Device);
        IReadOnlyList<optim.Optimizer> optimizers = context.Optimizers;

        // (1) Reconstruction phase.
        ReconstructionPhase(batch, context, host, _model.AutoencoderParameters, optimizers[0]);

        // (2) Discriminator phase.
        Tensor discriminatorLoss = DiscriminatorLoss(target, context.Random("prior"));
        context.Update(discriminatorLoss, _model.DiscriminatorParameters, optimizers[1]);

        // (3) Generator phase.
        Tensor generatorLoss = GeneratorLoss(target);
        context.Update(generatorLoss, _model.EncoderParameters, optimizers[2]);

        // (4) Semi-supervised classification phase on a labelled mini-batch.
        if (_labelledFeatures is null || _labelledLabels is null)
        {
            ReadScalars([discriminatorLoss, generatorLoss, torch.zeros([]), torch.zeros([])]).CopyTo(host, terms);
            GuardFinite(host, context);
            return host;
        }

        Tensor pick = torch.randint(0, _labelledLabels.shape[0], [batch.Size], generator: context.Random("labelled"));
        Tensor labels = _labelledLabels.index_select(0, pick).to(context.Device);
        Tensor logits = _model.Classify(_labelledFeatures.index_select(0, pick).to(context.Device));
        Tensor crossEntropy = nn.functional.cross_entropy(logits, labels);
        Tensor error = logits.argmax(1).ne(labels).to(ScalarType.Float32).mean();
        ReadScalars([discriminatorLoss, generatorLoss, crossEntropy, error]).CopyTo(host, terms);
        GuardFinite(host, context);
        context.Update(crossEntropy, _model.EncoderParameters, optimizers[3]);
        return host;
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(context);
        double[] reconstruction = base.Evaluate(batch, context, generator);
        Tensor target = batch.Features.to(context.Device);
        Tensor discriminatorLoss = DiscriminatorLoss(target, generator);
        Tensor generatorLoss = GeneratorLoss(target);
        Tensor crossEntropy = torch.tensor(double.NaN), error = torch.tensor(double.NaN);
        if (batch.Labels is not null)
        {
            Tensor labels = batch.Labels.to(ScalarType.Int64).to(context.Device);
            Tensor logits = _model.Classify(target);
            crossEntropy = nn.functional.cross_entropy(logits, labels);
            error = logits.argmax(1).ne(labels).to(ScalarType.Float32).mean();
        }

        return [.. reconstruction, .. ReadScalars([discriminatorLoss, generatorLoss, crossEntropy, error])];
    }

    private Tensor DiscriminatorLoss(Tensor target, Generator generator)
    {
        (Tensor logits, Tensor style) = _model.Heads(target);
        Tensor classes = nn.functional.softmax(logits, 1).detach();
        long count = target.shape[0];
        return AdversarialGame.DiscriminatorLoss(_model.DiscriminateClass(_model.SampleClasses(count, generator)), _model.DiscriminateClass(classes))
            + AdversarialGame.DiscriminatorLoss(_model.DiscriminateStyle(_model.SampleStyles(count, generator)), _model.DiscriminateStyle(style.detach()));
    }

    private Tensor GeneratorLoss(Tensor target)
    {
        (Tensor logits, Tensor style) = _model.Heads(target);
        return AdversarialGame.GeneratorLoss(_model.DiscriminateClass(nn.functional.softmax(logits, 1)))
            + AdversarialGame.GeneratorLoss(_model.DiscriminateStyle(style));
    }
}
