using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// What one kind of model does in one optimisation step and one evaluation step (Keras's <c>Model.train_step</c>
/// and <c>test_step</c>, Lightning's <c>training_step</c>): the <see cref="Trainer"/> owns the loop, the schedule,
/// callbacks, checkpoints and the NaN guard; the step owns the forward pass, the loss and the updates. A model kind
/// brings its step through <see cref="Models.Autoencoder.CreateTrainingStep"/>.
/// </summary>
public abstract class TrainingStep
{
    private static readonly IReadOnlyDictionary<string, int> NoGenerators = new Dictionary<string, int>();

    /// <summary>The module whose weights are trained, checkpointed and checked for NaN.</summary>
    public abstract nn.Module Model { get; }

    /// <summary>The parameters this step may update (the default optimiser takes those that require gradients; clipping covers them).</summary>
    public virtual IEnumerable<Parameter> Parameters => Model.parameters();

    /// <summary>Metric names, "loss" first: the order of the values <see cref="Train"/> and <see cref="Evaluate"/> return.</summary>
    public abstract IReadOnlyList<string> MetricNames { get; }

    /// <summary>The configuration the weights belong to (JSON); a checkpoint of another model is refused.</summary>
    public abstract string ModelIdentity { get; }

    /// <summary>What is minimised (JSON); a checkpoint of another objective is refused.</summary>
    public virtual string ObjectiveIdentity => string.Empty;

    /// <summary>Whether evaluation needs gradients (a penalty that differentiates through the input).</summary>
    public virtual bool EvaluatesWithGradients => false;

    /// <summary>
    /// Random generators of the step besides the trainer's (shuffling, corruption noise, torch's default), by name
    /// with their seed offset from <see cref="TrainerOptions.Seed"/>; checkpoints save and restore them.
    /// </summary>
    public virtual IReadOnlyDictionary<string, int> Generators => NoGenerators;

    /// <summary>The optimisers: by default one over the trainable parameters.</summary>
    public virtual IReadOnlyList<optim.Optimizer> CreateOptimizers(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parameter[] trainable = [.. Parameters.Where(p => p.requires_grad)];
        if (trainable.Length == 0)
        {
            throw new InvalidOperationException("The model has no trainable parameters (all are frozen); unfreeze a layer before training.");
        }

        return [options.Create(trainable)];
    }

    /// <summary>Multiplier of the scheduled rate for optimiser <paramref name="index"/>; 1 by default.</summary>
    public virtual double LearningRateFactor(int index) => 1.0;

    /// <summary>Puts the model in training mode (a step with frozen batch norms keeps those in evaluation mode).</summary>
    public virtual void EnterTraining() => Model.train();

    /// <summary>Called when a run starts from scratch: reset what the loss remembers between steps.</summary>
    public virtual void Reset()
    {
    }

    /// <summary>Named tensors the loss keeps between steps (running estimates), saved in checkpoints.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, Tensor>> SaveLossState() => [];

    /// <summary>Restores what <see cref="SaveLossState"/> saved.</summary>
    public virtual void LoadLossState(IReadOnlyDictionary<string, Tensor> state)
    {
    }

    /// <summary>Refuses data the model cannot take, naming its shape.</summary>
    public virtual void CheckData(TensorDataset data)
    {
    }

    /// <summary>
    /// Called by <see cref="Trainer.Fit(TensorDataset, TensorDataset?, string?, CancellationToken)"/> with the training
    /// data in memory (after any validation split), before the first step. A streamed fit cannot call it: a kind that
    /// needs it says why in <see cref="StreamedTrainingRefusal"/>, and a streamed fit refuses it.
    /// </summary>
    public virtual void PrepareTraining(TensorDataset train)
    {
    }

    /// <summary>
    /// Why this kind cannot train on data streamed from a file (never whole in memory, without labels), or null when
    /// it can; <see cref="Trainer.Fit(IBatchSource, TensorDataset?, string?, CancellationToken)"/> refuses a stream
    /// with this reason before the first step.
    /// </summary>
    public virtual string? StreamedTrainingRefusal => null;

    /// <summary>Refuses, when the trainer is made, settings this kind cannot train with (throwing <see cref="ArgumentException"/> naming the field).</summary>
    public virtual void CheckOptions(TrainerOptions options)
    {
    }

    /// <summary>
    /// Refuses training data this kind can technically take but that cannot make the run a recipe asks for (e.g. a
    /// conditional model's data without any labels); <see cref="RecipeRunner"/> calls it before training. The library's
    /// <see cref="Trainer"/> does not, so a program may still train such a model on unlabelled data.
    /// </summary>
    public virtual void CheckRunData(IBatchSource train)
    {
    }

    /// <summary>One update on <paramref name="batch"/>; returns the metric values (host copies) before the update.</summary>
    public abstract double[] Train(Batch batch, StepContext context);

    /// <summary>The metrics on <paramref name="batch"/> without updates; <paramref name="generator"/> draws any noise.</summary>
    public abstract double[] Evaluate(Batch batch, StepContext context, Generator generator);

    /// <summary>Copies scalar tensors to the host in one read (the only synchronisation of a step).</summary>
    protected static double[] ReadScalars(IEnumerable<Tensor> values)
    {
        using Tensor stacked = torch.stack(values.Select(t => t.detach().to_type(ScalarType.Float64)).ToArray()).cpu();
        return stacked.data<double>().ToArray();
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> naming the first non-finite term (rather than the total it contaminated), before any update is made.</summary>
    protected void GuardFinite(double[] values, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        int first = Array.FindIndex(values, v => !double.IsFinite(v));
        if (first < 0)
        {
            return;
        }

        int term = Enumerable.Range(1, values.Length - 1).FirstOrDefault(i => !double.IsFinite(values[i]), first);
        throw new NonFiniteLossException(context.Epoch + 1, context.Step + 1, context.Batch + 1, MetricNames[term], values[term]);
    }
}
