using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// The step of every autoencoder that minimises an <see cref="Objective"/>: corrupt the batch (denoising), run the
/// model, evaluate every term against the clean batch, guard against non-finite values, backward, clip, update.
/// Metrics: "loss" then one per objective term.
/// </summary>
public class ReconstructionStep : TrainingStep
{
    /// <summary>A step that trains <paramref name="model"/> on <paramref name="objective"/>.</summary>
    public ReconstructionStep(Autoencoder model, Objective objective)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(objective);
        objective.Validate();
        Autoencoder = model;
        Objective = objective;
    }

    /// <summary>The autoencoder.</summary>
    public Autoencoder Autoencoder { get; }

    /// <summary>What is minimised.</summary>
    public Objective Objective { get; }

    /// <inheritdoc />
    public override nn.Module Model => Autoencoder;

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames => [.. Objective.TermNames.Prepend("loss")];

    /// <inheritdoc />
    public override string ModelIdentity => JsonSerializer.Serialize(Autoencoder.Config, JsonDefaults.Options);

    /// <inheritdoc />
    public override string ObjectiveIdentity => JsonSerializer.Serialize(Objective, JsonDefaults.Options);

    /// <inheritdoc />
    public override bool EvaluatesWithGradients => Objective.NeedsInputGradient;

    /// <inheritdoc />
    public override void CheckOptions(TrainerOptions options) => Objective.CheckTraining(Autoencoder, options);

    /// <inheritdoc />
    public override void Reset() => Objective.ResetState();

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, Tensor>> SaveLossState() =>
        [.. Objective.Terms.SelectMany((term, index) => term.SaveState().Select(s => KeyValuePair.Create(string.Create(CultureInfo.InvariantCulture, $"{index}/{s.Key}"), s.Value)))];

    /// <inheritdoc />
    public override void LoadLossState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        LossTerm[] terms = [.. Objective.Terms];
        foreach (IGrouping<int, KeyValuePair<string, Tensor>> group in state.GroupBy(p => int.Parse(p.Key.Split('/', 2)[0], CultureInfo.InvariantCulture)))
        {
            terms[group.Key].LoadState(group.ToDictionary(p => p.Key.Split('/', 2)[1], p => p.Value));
        }
    }

    /// <inheritdoc />
    public override void CheckData(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireSampleSize(Autoencoder.Config.InputShape, "the model");
    }

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ClearGradients();
        ObjectiveValue value = Compute(batch, context, context.Noise, training: true);
        double[] host = ReadScalars(value.Terms.Prepend(value.Total));
        GuardFinite(host, context);
        value.Total.backward();
        context.ClipGradients(Parameters);
        foreach (optim.Optimizer optimizer in context.Optimizers)
        {
            optimizer.step();
        }

        return host;
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator)
    {
        ObjectiveValue value = Compute(batch, context, generator, training: false);
        return ReadScalars(value.Terms.Prepend(value.Total));
    }

    /// <summary>
    /// One update of <paramref name="parameters"/> by <paramref name="optimizer"/> on the objective: the first phase
    /// of a model that trains in several (the adversarial autoencoders). The total and every term go to the start of
    /// <paramref name="host"/>, checked finite before any update.
    /// </summary>
    protected void ReconstructionPhase(Batch batch, StepContext context, double[] host, IEnumerable<TorchSharp.Modules.Parameter> parameters, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectiveValue value = Compute(batch, context, context.Noise, training: true);
        ReadScalars(value.Terms.Prepend(value.Total)).CopyTo(host, 0);
        GuardFinite(host, context);
        context.Update(value.Total, parameters, optimizer);
    }

    /// <summary>
    /// Corrupts the batch, runs the model and evaluates every term of the objective against the clean batch; the
    /// input requires gradients when a penalty differentiates through it (contractive).
    /// </summary>
    protected ObjectiveValue Compute(Batch batch, StepContext context, Generator generator, bool training)
    {
        ArgumentNullException.ThrowIfNull(context);
        (Tensor clean, Tensor target) = Prepare(batch.Features.to(context.Device));
        Tensor input = Objective.Corruption?.Apply(clean, generator) ?? clean;
        if (Objective.NeedsInputGradient)
        {
            input = input.detach().requires_grad_(true);
        }

        return Objective.Compute(new LossContext
        {
            Model = Autoencoder,
            Target = target,
            Input = input,
            Output = Autoencoder.forward(input),
            Training = training,
            Epoch = context.Epoch,
            Step = context.Step,
        });
    }

    /// <summary>The model's clean input and the reconstruction target of a batch: both the features by default.</summary>
    protected virtual (Tensor Clean, Tensor Target) Prepare(Tensor features) => (features, features);
}
