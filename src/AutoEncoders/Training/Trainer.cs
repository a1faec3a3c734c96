using System.Diagnostics;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// Trains an <see cref="Autoencoder"/> on an <see cref="Objective"/> (Keras's fit/evaluate): shuffled
/// mini-batches, corruption for denoising, gradient clipping, schedules, validation, early stopping, a guard
/// against NaN/inf losses, history, atomic checkpoints and exact resume after an interruption.
/// Subclasses change what one step does (adversarial training) by overriding <see cref="TrainStep"/>,
/// <see cref="EvaluateStep"/>, <see cref="CreateOptimizers"/> and <see cref="MetricNames"/>.
/// </summary>
public class Trainer : IDisposable
{
    private readonly List<optim.Optimizer> _optimizers = [];
    private TrainerState _state = new();
    private Generator? _shuffleGenerator;
    private Generator? _noiseGenerator;
    private Dictionary<string, Tensor>? _bestWeights;
    private bool _disposed;

    /// <summary>Prepares training of <paramref name="model"/> on <paramref name="objective"/>.</summary>
    public Trainer(Autoencoder model, Objective objective, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(objective);
        Model = model;
        Objective = objective;
        Options = options ?? new TrainerOptions();
        Options.Validate();
        objective.Validate();
        Device = TorchRuntime.ParseDevice(Options.Device);
        Model.to(Device);
        if (Options.Progress != ProgressMode.Silent)
        {
            Callbacks.Add(new ConsoleProgress(mode: Options.Progress));
        }
    }

    /// <summary>The model being trained.</summary>
    public Autoencoder Model { get; }

    /// <summary>What is minimised.</summary>
    public Objective Objective { get; }

    /// <summary>Training settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; }

    /// <summary>Callbacks run by the loop; a console progress reporter is added unless progress is silent.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = [];

    /// <summary>Where checkpoints are written (every <see cref="TrainerOptions.CheckpointEvery"/> epochs and on interruption), or null.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>The metrics of every epoch so far.</summary>
    public TrainingHistory History { get; private set; } = new();

    /// <summary>Global optimisation steps taken.</summary>
    public long Step => _state.Step;

    /// <summary>Zero-based epoch in progress (for steps that build their own <see cref="LossContext"/>).</summary>
    protected int CurrentEpoch => _state.Epoch;

    /// <summary>Metric names: "loss" then one per objective term; the order of the values steps return.</summary>
    public virtual IReadOnlyList<string> MetricNames => [.. Objective.TermNames.Prepend("loss")];

    /// <summary>The optimisers (created on first use).</summary>
    protected IReadOnlyList<optim.Optimizer> Optimizers
    {
        get
        {
            if (_optimizers.Count == 0)
            {
                _optimizers.AddRange(CreateOptimizers());
            }

            return _optimizers;
        }
    }

    /// <summary>Generator for corruption noise during training (seeded from the options, saved in checkpoints).</summary>
    protected Generator NoiseGenerator => _noiseGenerator ??= new Generator((ulong)Options.Seed + 1);

    /// <summary>
    /// Random generators of a subclass, by name, that checkpoints save and restore besides the trainer's own
    /// (shuffling, corruption noise and torch's default generator); none by default. Resuming from a checkpoint
    /// that lacks one of them (or holds others) is refused, since the run could not continue exactly.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, Generator> CheckpointedGenerators => NoGenerators;

    private static IReadOnlyDictionary<string, Generator> NoGenerators { get; } = new Dictionary<string, Generator>();

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs (or until early stopping or cancellation). With
    /// <paramref name="resumeFrom"/>, continues a run from its checkpoint exactly where it stopped.
    /// </summary>
    /// <returns>The history; <see cref="TrainingHistory.Interrupted"/> tells whether the run was cancelled.</returns>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? validation = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckInputShape(train);
        TensorDataset? heldOutTrain = null, heldOutValidation = null;
        if (validation is null && Options.ValidationSplit > 0)
        {
            (heldOutTrain, heldOutValidation) = train.Split(Options.ValidationSplit, Options.Seed);
            train = heldOutTrain;
            validation = heldOutValidation;
        }

        if (CheckpointPath is not null)
        {
            // Temporary files of checkpoint writes cut short by kill -9; a run's start or resume is the first chance.
            AtomicFile.RemoveStaleTemporaries(CheckpointPath);
        }

        try
        {
            if (resumeFrom is not null)
            {
                LoadCheckpoint(resumeFrom);
            }
            else if (_state.Step == 0 && _state.Epoch == 0)
            {
                StartFresh();
            }

            return RunEpochs(train, validation, cancellationToken);
        }
        finally
        {
            heldOutTrain?.Dispose();
            heldOutValidation?.Dispose();
        }
    }

    /// <summary>Mean of every metric over <paramref name="data"/>, in evaluation mode (no dropout, no weight updates).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(TensorDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckInputShape(data);
        bool wasTraining = Model.training;
        Model.eval();
        IReadOnlyList<string> names = MetricNames;
        double[] sums = new double[names.Count];
        long samples = 0;

        // Corruption in evaluation uses its own generator, reseeded every time, so validation losses of
        // denoising models are comparable across epochs and do not disturb the training noise stream.
        using var generator = new Generator((ulong)Options.Seed + 2);
        try
        {
            foreach (Batch batch in data.Batches(Math.Max(Options.BatchSize, 1024)))
            {
                using var scope = torch.NewDisposeScope();
                using IDisposable gradientMode = Objective.NeedsInputGradient ? torch.enable_grad() : torch.no_grad();
                double[] values = EvaluateStep(batch, generator);
                for (int i = 0; i < values.Length; i++)
                {
                    sums[i] += values[i] * batch.Size;
                }

                samples += batch.Size;
            }
        }
        finally
        {
            Model.train(wasTraining);
        }

        return names.Select((n, i) => (n, v: sums[i] / Math.Max(1, samples))).ToDictionary(p => p.n, p => p.v);
    }

    /// <summary>Writes a checkpoint (weights, optimiser state, generators, schedule, history) to <paramref name="path"/>, atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _state.ShuffleState ??= CaptureState(ShuffleGenerator);
        Dictionary<string, Tensor> generatorStates = CheckpointedGenerators.ToDictionary(p => p.Key, p => CaptureState(p.Value));
        try
        {
            TrainingCheckpoint.Write(path, new TrainingCheckpoint
            {
                State = _state with { History = History },
                Model = Model,
                Objective = Objective,
                Optimizers = Optimizers,
                NoiseState = CaptureState(NoiseGenerator),
                GlobalState = CaptureState(torch.Generator.Default),
                GeneratorStates = generatorStates,
                BestWeights = _bestWeights,
            });
        }
        finally
        {
            foreach (Tensor state in generatorStates.Values)
            {
                state.Dispose();
            }
        }
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same architecture and objective.</summary>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IReadOnlyDictionary<string, Generator> generators = CheckpointedGenerators;
        TrainingCheckpointContents contents = TrainingCheckpoint.Read(path, Model, Objective, Optimizers, [.. generators.Keys]);
        _state = contents.State;
        double baseRate = Options.Optimizer.LearningRate;
        if (_state.BaseLearningRate > 0 && _state.BaseLearningRate != baseRate)
        {
            // A resume asked for another learning rate (e.g. after a non-finite loss): the scheduled rate keeps its
            // place in the schedule, scaled to the new base. Checkpoints from before the base was saved hold 0.
            _state.LearningRate *= baseRate / _state.BaseLearningRate;
            _state.BaseLearningRate = baseRate;
        }

        History = contents.State.History ?? new TrainingHistory { Metrics = MetricNames };
        History.Interrupted = false;
        History.StopReason = null;

        ShuffleGenerator.set_state(contents.ShuffleState);
        NoiseGenerator.set_state(contents.NoiseState);
        torch.Generator.Default.set_state(contents.GlobalState);
        foreach ((string name, Tensor state) in contents.GeneratorStates)
        {
            generators[name].set_state(state);
            state.Dispose();
        }

        ReplaceBestWeights(contents.BestWeights);
        contents.ShuffleState.Dispose();
        contents.NoiseState.Dispose();
        contents.GlobalState.Dispose();
    }

    /// <summary>
    /// One training step on a batch: corrupt, forward, objective, guard against non-finite values, backward,
    /// clip, update. Returns the metric values (host copies, in <see cref="MetricNames"/> order).
    /// </summary>
    protected virtual double[] TrainStep(Batch batch)
    {
        foreach (optim.Optimizer optimizer in Optimizers)
        {
            optimizer.zero_grad();
        }

        ObjectiveValue value = ComputeObjective(batch, NoiseGenerator, training: true);
        double[] host = ReadMetrics(value);
        GuardFinite(host);
        value.Total.backward();
        ClipGradients(Model.parameters());
        foreach (optim.Optimizer optimizer in Optimizers)
        {
            optimizer.step();
        }

        return host;
    }

    /// <summary>One evaluation step (no updates); gradients are enabled only when the objective needs input gradients.</summary>
    protected virtual double[] EvaluateStep(Batch batch, Generator generator) =>
        ReadMetrics(ComputeObjective(batch, generator, training: false));

    /// <summary>
    /// Corrupts the batch (denoising), runs the model and evaluates every term of the objective against the clean
    /// batch; the input requires gradients when a penalty differentiates through it (contractive).
    /// </summary>
    protected ObjectiveValue ComputeObjective(Batch batch, Generator generator, bool training)
    {
        Tensor target = batch.Features.to(Device);
        Tensor input = Objective.Corruption?.Apply(target, generator) ?? target;
        if (Objective.NeedsInputGradient)
        {
            input = input.detach().requires_grad_(true);
        }

        return Objective.Compute(new LossContext
        {
            Model = Model,
            Target = target,
            Input = input,
            Output = Model.forward(input),
            Training = training,
            Epoch = _state.Epoch,
            Step = _state.Step,
        });
    }

    /// <summary>The optimisers: by default one over the model's trainable parameters.</summary>
    protected virtual IEnumerable<optim.Optimizer> CreateOptimizers()
    {
        Parameter[] trainable = Model.parameters().Where(p => p.requires_grad).ToArray();
        if (trainable.Length == 0)
        {
            throw new InvalidOperationException("The model has no trainable parameters (all are frozen); unfreeze a layer before training.");
        }

        return [Options.Optimizer.Create(trainable)];
    }

    /// <summary>
    /// Multiplier of the scheduled learning rate for optimiser <paramref name="index"/> (in <see cref="CreateOptimizers"/>
    /// order); 1 by default. Adversarial training slows its discriminator and generator phases with it.
    /// </summary>
    protected virtual double LearningRateFactor(int index) => 1.0;

    /// <summary>Copies total and terms to the host in one read (the only synchronisation of a step).</summary>
    protected static double[] ReadMetrics(ObjectiveValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using Tensor stacked = torch.stack(value.Terms.Prepend(value.Total).Select(t => t.detach().to_type(ScalarType.Float64)).ToArray()).cpu();
        return stacked.data<double>().ToArray();
    }

    /// <summary>Throws <see cref="NonFiniteLossException"/> naming the first non-finite metric, before any update is made.</summary>
    protected void GuardFinite(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        IReadOnlyList<string> names = MetricNames;
        int firstBad = -1;
        for (int i = values.Length - 1; i >= 0; i--)
        {
            if (!double.IsFinite(values[i]))
            {
                firstBad = i;
            }
        }

        if (firstBad >= 0)
        {
            // Name the term that went bad rather than the total it contaminated.
            int term = Enumerable.Range(1, values.Length - 1).FirstOrDefault(i => !double.IsFinite(values[i]), firstBad);
            throw new NonFiniteLossException(_state.Epoch + 1, _state.Step + 1, _state.Batch + 1, names[term], values[term]);
        }
    }

    /// <summary>Clips the global gradient norm when <see cref="TrainerOptions.GradientClipNorm"/> is set.</summary>
    protected void ClipGradients(IEnumerable<Parameter> parameters)
    {
        if (Options.GradientClipNorm is double maxNorm)
        {
            nn.utils.clip_grad_norm_(parameters.Where(p => p.requires_grad), maxNorm);
        }
    }

    /// <summary>Disposes generators and saved weights.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases native resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            foreach (optim.Optimizer optimizer in _optimizers)
            {
                optimizer.Dispose();
            }

            _shuffleGenerator?.Dispose();
            _noiseGenerator?.Dispose();
            ReplaceBestWeights(null);
        }

        _disposed = true;
    }

    private Generator ShuffleGenerator => _shuffleGenerator ??= new Generator((ulong)Options.Seed);

    private static Tensor CaptureState(Generator generator) => generator.get_state();

    private void StartFresh()
    {
        // Seed dropout and any sampling inside the model through torch's global generator; shuffling and
        // corruption have generators of their own so that each stream is reproducible by itself.
        torch.manual_seed(Options.Seed);
        _shuffleGenerator?.Dispose();
        _noiseGenerator?.Dispose();
        _shuffleGenerator = new Generator((ulong)Options.Seed);
        _noiseGenerator = new Generator((ulong)Options.Seed + 1);
        Objective.ResetState();
        History = new TrainingHistory { Metrics = MetricNames };
        _state = new TrainerState { LearningRate = Options.Optimizer.LearningRate, BaseLearningRate = Options.Optimizer.LearningRate };
    }

    private TrainingHistory RunEpochs(TensorDataset train, TensorDataset? validation, CancellationToken cancellationToken)
    {
        int batchSize = Options.BatchSize;
        long batchesPerEpoch = train.BatchCount(batchSize);
        IReadOnlyList<string> names = MetricNames;
        foreach (ITrainingCallback callback in Callbacks)
        {
            callback.OnTrainBegin(History, Options.Epochs, batchesPerEpoch);
        }

        while (_state.Epoch < Options.Epochs)
        {
            if (_state.Batch == 0)
            {
                _state.ShuffleState?.Dispose();
                _state.ShuffleState = CaptureState(ShuffleGenerator);
                _state.Sums = new double[names.Count];
                _state.Samples = 0;
                _state.Seconds = 0;
            }
            else
            {
                // Resuming mid-epoch: replay the epoch's permutation from its starting generator state.
                ShuffleGenerator.set_state(_state.ShuffleState!);
            }

            SetLearningRate(_state.LearningRate);
            Model.train();
            var clock = Stopwatch.StartNew();
            double secondsBefore = _state.Seconds;
            foreach (Batch batch in train.Batches(batchSize, Options.Shuffle, ShuffleGenerator, skip: _state.Batch))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    _state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                    return Interrupt();
                }

                double[] values;
                try
                {
                    using (torch.NewDisposeScope())
                    {
                        values = TrainStep(batch);
                    }
                }
                catch (NonFiniteLossException e)
                {
                    _state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                    throw StopOnNonFiniteLoss(e);
                }

                for (int i = 0; i < values.Length; i++)
                {
                    _state.Sums![i] += values[i] * batch.Size;
                }

                _state.Samples += batch.Size;
                _state.Batch++;
                _state.Step++;
                double seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                Dictionary<string, double> running = names.Select((n, i) => (n, v: _state.Sums![i] / _state.Samples)).ToDictionary(p => p.n, p => p.v);
                foreach (ITrainingCallback callback in Callbacks)
                {
                    callback.OnBatchEnd(_state.Epoch + 1, _state.Batch, batchesPerEpoch, running, _state.Samples / Math.Max(seconds, 1e-9));
                }
            }

            _state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;

            // Once per epoch, before anything is evaluated or saved: a non-finite weight earlier in the epoch makes
            // the next loss non-finite, which the per-batch guard catches; this catches the epoch's last updates.
            if (FirstNonFiniteState() is string bad)
            {
                throw new NonFiniteParameterException(_state.Epoch + 1, _state.Step, bad, "at the end of the epoch");
            }

            EpochRecord record = FinishEpoch(validation, names);
            if (ShouldStopEarly(record))
            {
                break;
            }

            if (CheckpointPath is not null && (_state.Epoch % Options.CheckpointEvery == 0 || _state.Epoch == Options.Epochs))
            {
                SaveCheckpoint(CheckpointPath);
            }
        }

        if (Options.EarlyStopping?.RestoreBestWeights == true && _bestWeights is not null)
        {
            Model.load_state_dict(_bestWeights);
        }

        foreach (ITrainingCallback callback in Callbacks)
        {
            callback.OnTrainEnd(History);
        }

        return History;
    }

    private EpochRecord FinishEpoch(TensorDataset? validation, IReadOnlyList<string> names)
    {
        var record = new EpochRecord
        {
            Epoch = _state.Epoch + 1,
            Train = names.Select((n, i) => (n, v: _state.Sums![i] / Math.Max(1, _state.Samples))).ToDictionary(p => p.n, p => p.v),
            Validation = validation is null ? null : Evaluate(validation),
            LearningRate = _state.LearningRate,
            Seconds = _state.Seconds,
            SamplesPerSecond = _state.Samples / Math.Max(_state.Seconds, 1e-9),
        };
        History.Epochs.Add(record);
        _state.Epoch++;
        _state.Batch = 0;

        // The next epoch starts from the shuffle generator as it is now: a checkpoint written at this epoch's end
        // must hold this state, not the finished epoch's start (resuming from it would replay that permutation).
        _state.ShuffleState?.Dispose();
        _state.ShuffleState = CaptureState(ShuffleGenerator);
        if (Options.Schedule is not null)
        {
            _state.LearningRate = Options.Schedule.RateAfter(_state.Epoch, Options.Epochs, Options.Optimizer.LearningRate, _state.LearningRate, record.Monitored, _state.ScheduleState);
        }

        foreach (ITrainingCallback callback in Callbacks)
        {
            callback.OnEpochEnd(record, Options.Epochs);
        }

        return record;
    }

    private bool ShouldStopEarly(EpochRecord record)
    {
        if (Options.EarlyStopping is not EarlyStoppingOptions early)
        {
            return false;
        }

        if (record.Monitored < _state.BestMonitored - early.MinDelta)
        {
            _state.BestMonitored = record.Monitored;
            _state.BestEpoch = record.Epoch;
            _state.EpochsWithoutImprovement = 0;
            if (early.RestoreBestWeights)
            {
                ReplaceBestWeights(Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone()));
            }

            return false;
        }

        if (++_state.EpochsWithoutImprovement < early.Patience)
        {
            return false;
        }

        string metric = record.Validation is null ? "loss" : "val_loss";
        History.StopReason = $"Early stopping after epoch {record.Epoch}: {metric} has not improved for {early.Patience} epochs; best {_state.BestMonitored:G6} at epoch {_state.BestEpoch}{(early.RestoreBestWeights ? " (weights restored)" : string.Empty)}.";
        return true;
    }

    private TrainingHistory Interrupt()
    {
        History.Interrupted = true;
        if (CheckpointPath is not null)
        {
            SaveCheckpoint(CheckpointPath);
            History.StopReason = $"Interrupted at epoch {_state.Epoch + 1}, batch {_state.Batch}; checkpoint saved to {CheckpointPath}.";
        }
        else
        {
            History.StopReason = $"Interrupted at epoch {_state.Epoch + 1}, batch {_state.Batch}; no checkpoint path was set, so the run cannot be resumed.";
        }

        foreach (ITrainingCallback callback in Callbacks)
        {
            callback.OnTrainEnd(History);
        }

        return History;
    }

    // Written before the failing batch's update (the loss is checked first), so the checkpoint holds the last good
    // weights and optimiser state; the noise and dropout streams have moved on by that batch's draws. Weights that
    // are already non-finite (an earlier update diverged) are never written.
    private InvalidOperationException StopOnNonFiniteLoss(NonFiniteLossException e)
    {
        if (FirstNonFiniteState() is string bad)
        {
            return new NonFiniteParameterException(_state.Epoch + 1, _state.Step, bad, $"found when the '{e.Term}' term became {e.Value} at batch {e.Batch}");
        }

        if (CheckpointPath is not null)
        {
            SaveCheckpoint(CheckpointPath);
            e.CheckpointPath = CheckpointPath;
        }

        return e;
    }

    /// <summary>The name of the first floating-point weight or buffer holding a NaN or infinity, or null (one host read).</summary>
    private string? FirstNonFiniteState()
    {
        using var scope = torch.NewDisposeScope();
        (string Name, Tensor Value)[] floating = [.. Model.state_dict().Where(p => p.Value.is_floating_point()).Select(p => (p.Key, p.Value))];
        if (floating.Length == 0)
        {
            return null;
        }

        using Tensor finite = torch.stack(floating.Select(p => p.Value.detach().isfinite().all()).ToArray()).cpu();
        bool[] flags = finite.data<bool>().ToArray();
        int first = Array.IndexOf(flags, false);
        return first < 0 ? null : floating[first].Name;
    }

    private void SetLearningRate(double rate)
    {
        for (int i = 0; i < Optimizers.Count; i++)
        {
            foreach (ParamGroup group in ((OptimizerHelper)Optimizers[i]).ParamGroups)
            {
                group.LearningRate = rate * LearningRateFactor(i);
            }
        }
    }

    private void ReplaceBestWeights(Dictionary<string, Tensor>? weights)
    {
        if (_bestWeights is not null)
        {
            foreach (Tensor t in _bestWeights.Values)
            {
                t.Dispose();
            }
        }

        _bestWeights = weights;
        if (weights is not null)
        {
            foreach (Tensor t in weights.Values)
            {
                t.DetachFromDisposeScope();
            }
        }
    }

    private void CheckInputShape(TensorDataset data)
    {
        long[] expected = Model.Config.InputShape;
        long expectedSize = expected.Aggregate(1L, (a, b) => a * b);
        if (data.SampleSize != expectedSize)
        {
            throw new ArgumentException(
                $"The data '{data.Name}' has samples of shape [{string.Join(", ", data.SampleShape)}] ({data.SampleSize} values) but the model expects [{string.Join(", ", expected)}] ({expectedSize} values).");
        }
    }
}
