using System.Diagnostics;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training.Callbacks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training;

/// <summary>
/// The one training loop (Keras's fit/evaluate, Lightning's Trainer), generic over the model through its
/// <see cref="TrainingStep"/>: shuffled mini-batches, validation, a guard against NaN/inf losses and weights, history,
/// atomic checkpoints and exact resume. Schedules, early stopping, best-weight restore, periodic checkpoints and
/// progress are <see cref="ITrainingCallback"/>s; callbacks see the trainer, can stop it and keep their state in
/// checkpoints.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly StepContext _context;
    private readonly ITrainingCallback[] _ownCallbacks;
    private TrainerState _state = new();
    private readonly TrainerGenerators _generators;
    private IReadOnlyList<optim.Optimizer>? _optimizers;
    private bool _disposed;

    /// <summary>Prepares training of <paramref name="model"/> on <paramref name="objective"/> with the step the model kind brings.</summary>
    public Trainer(Autoencoder model, Objective objective, TrainerOptions? options = null)
        : this((model ?? throw new ArgumentNullException(nameof(model))).CreateTrainingStep(objective ?? throw new ArgumentNullException(nameof(objective))), options)
    {
    }

    /// <summary>Prepares training with <paramref name="step"/> (any model kind).</summary>
    public Trainer(TrainingStep step, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        TrainingStep = step;
        Options = options ?? new TrainerOptions();
        Options.Validate();
        step.CheckOptions(Options);
        Device = TorchRuntime.ParseDevice(Options.Device);
        Model.to(Device);
        _context = new StepContext(this);
        _generators = new TrainerGenerators(step, Options.Seed);
        _ownCallbacks = [.. TrainerCallbacks.FromOptions(Options)];
        foreach (ITrainingCallback callback in _ownCallbacks)
        {
            Callbacks.Add(callback);
        }
    }

    /// <summary>What one step does for this model kind.</summary>
    public TrainingStep TrainingStep { get; }

    /// <summary>The module being trained.</summary>
    public nn.Module Model => TrainingStep.Model;

    /// <summary>Training settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Where the model and batches live.</summary>
    public Device Device { get; }

    /// <summary>Callbacks run by the loop in order: those of the options (schedule, early stopping, best weights, progress), then any added.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = [];

    /// <summary>Where checkpoints are written (every <see cref="TrainerOptions.CheckpointEvery"/> epochs, on interruption and on a non-finite loss), or null.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>The metrics of every epoch so far.</summary>
    public TrainingHistory History { get; private set; } = new();

    /// <summary>Global optimisation steps taken.</summary>
    public long Step => _state.Step;

    /// <summary>Zero-based epoch in progress (the number of epochs done between epochs).</summary>
    public int Epoch => _state.Epoch;

    /// <summary>Batches per epoch of the run in progress.</summary>
    public long BatchesPerEpoch { get; private set; }

    /// <summary>Metric names, "loss" first (the step's).</summary>
    public IReadOnlyList<string> MetricNames => TrainingStep.MetricNames;

    /// <summary>Learning rate of the next epoch; a schedule callback sets it at the end of an epoch.</summary>
    public double LearningRate
    {
        get => _state.LearningRate;
        set => _state.LearningRate = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a finite learning rate, 0 or more");
    }

    /// <summary>True once a callback asked the run to stop after the current epoch.</summary>
    public bool StopRequested { get; private set; }

    internal int BatchInEpoch => _state.Batch;

    internal IReadOnlyList<optim.Optimizer> Optimizers => _optimizers ??= TrainingStep.CreateOptimizers(Options.Optimizer);

    internal Generator NoiseGenerator => _generators.Noise;

    private Generator ShuffleGenerator => _generators.Shuffle;

    /// <summary>Asks the run to stop after the current epoch (Keras's <c>model.stop_training = True</c>); <paramref name="reason"/> becomes the history's stop reason.</summary>
    public void RequestStop(string reason)
    {
        StopRequested = true;
        History.StopReason = reason;
    }

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs (or until a callback stops it or cancellation). With
    /// <paramref name="resumeFrom"/>, continues a run from its checkpoint exactly where it stopped.
    /// </summary>
    /// <returns>The history; <see cref="TrainingHistory.Interrupted"/> tells whether the run was cancelled.</returns>
    public TrainingHistory Fit(TensorDataset train, TensorDataset? validation = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TrainingStep.CheckData(train);
        TensorDataset? heldOutTrain = null, heldOutValidation = null;
        if (validation is null && Options.ValidationSplit > 0)
        {
            (heldOutTrain, heldOutValidation) = train.Split(Options.ValidationSplit, Options.Seed);
            (train, validation) = (heldOutTrain, heldOutValidation);
        }

        TrainingStep.PrepareTraining(train);
        try
        {
            return Run(train, validation, resumeFrom, cancellationToken);
        }
        finally
        {
            heldOutTrain?.Dispose();
            heldOutValidation?.Dispose();
        }
    }

    /// <summary>
    /// Trains on data read from a file in blocks (<see cref="StreamingDataset"/>): the same loop, shuffled by blocks;
    /// the checkpoint records the blocks so that a resume continues at the same batch of the same order.
    /// </summary>
    public TrainingHistory Fit(IBatchSource train, TensorDataset? validation = null, string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train is TensorDataset inMemory)
        {
            return Fit(inMemory, validation, resumeFrom, cancellationToken);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        StreamingDataset stream = train as StreamingDataset ?? throw new ArgumentException($"{train.Name}: expected a TensorDataset or a StreamingDataset.", nameof(train));
        if (validation is null && Options.ValidationSplit > 0)
        {
            throw new ArgumentException($"{stream.Path}: a validation split needs the data in memory; a streamed file is trained on whole (give validation data separately, or set validationSplit to 0).");
        }

        if (TrainingStep.StreamedTrainingRefusal is { } refusal)
        {
            throw new ArgumentException($"{stream.Path}: cannot train this model on a streamed file: {refusal}.");
        }

        using (TensorDataset head = stream.Head(1))
        {
            TrainingStep.CheckData(head);
        }

        return Run(stream, validation, resumeFrom, cancellationToken);
    }

    private TrainingHistory Run(IBatchSource train, TensorDataset? validation, string? resumeFrom, CancellationToken cancellationToken)
    {
        if (CheckpointPath is not null)
        {
            // Temporary files of checkpoint writes cut short by kill -9; a run's start or resume is the first chance.
            AtomicFile.RemoveStaleTemporaries(CheckpointPath);
        }

        ITrainingCallback[] callbacks = [.. Callbacks, .. CheckpointPath is null ? [] : new ITrainingCallback[] { new ModelCheckpoint(CheckpointPath, Options.CheckpointEvery) }];
        string? order = (train as StreamingDataset)?.BatchOrder;
        if (resumeFrom is not null)
        {
            LoadCheckpoint(resumeFrom);
            if (_state.BatchOrder != order)
            {
                throw new InvalidOperationException(
                    $"{resumeFrom}: the run was trained on {_state.BatchOrder ?? "data in memory"}; resuming on {order ?? "data in memory"} would not continue the same batches. Resume it on the same data and block size.");
            }
        }
        else if (_state.Step == 0 && _state.Epoch == 0)
        {
            StartFresh();
        }

        _state.BatchOrder = order;
        StopRequested = false;
        return RunEpochs(train, validation, callbacks, cancellationToken);
    }

    /// <summary>Mean of every metric over <paramref name="data"/>, in evaluation mode (no dropout, no weight updates).</summary>
    public IReadOnlyDictionary<string, double> Evaluate(TensorDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        TrainingStep.CheckData(data);
        return StepEvaluation.Mean(TrainingStep, _context, data, batchSize ?? Math.Max(Options.BatchSize, 1024), Options.Seed);
    }

    /// <summary>Writes a checkpoint (weights, optimisers, generators, loss and callback states, history) to <paramref name="path"/>, atomically.</summary>
    public void SaveCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _state.ShuffleState ??= ShuffleGenerator.get_state();
        TrainingCheckpoint.Write(path, this, _state with { History = History }, NoiseGenerator, _generators.ByName(), Callbacks);
    }

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same model, objective and step.</summary>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _state = TrainingCheckpoint.Read(path, this, NoiseGenerator, _generators.ByName(), Callbacks);
        _state.Rebase(Options.Optimizer.LearningRate);
        History = _state.History ?? new TrainingHistory { Metrics = MetricNames };
        History.Interrupted = false;
        History.StopReason = null;
        ShuffleGenerator.set_state(_state.ShuffleState!);
    }

    /// <summary>Disposes optimisers, generators and the native state of the callbacks the options created (saved weights); callers dispose the callbacks they added.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            (_optimizers ?? []).ToList().ForEach(o => o.Dispose());
            _generators.Dispose();
            _ownCallbacks.OfType<IDisposable>().ToList().ForEach(c => c.Dispose());
        }
    }

    internal Generator NamedGenerator(string name) => _generators.Named(name);

    private void StartFresh()
    {
        // Seed dropout and any sampling inside the model through torch's global generator; shuffling and
        // corruption have generators of their own so that each stream is reproducible by itself.
        torch.manual_seed(Options.Seed);
        _generators.Reseed();
        TrainingStep.Reset();
        History = new TrainingHistory { Metrics = MetricNames };
        _state = new TrainerState { LearningRate = Options.Optimizer.LearningRate, BaseLearningRate = Options.Optimizer.LearningRate };
    }

    private TrainingHistory RunEpochs(IBatchSource train, TensorDataset? validation, ITrainingCallback[] callbacks, CancellationToken cancellationToken)
    {
        BatchesPerEpoch = train.BatchCount(Options.BatchSize);
        IReadOnlyList<string> names = MetricNames;
        Array.ForEach(callbacks, c => c.OnTrainBegin(this));
        while (_state.Epoch < Options.Epochs && !StopRequested)
        {
            if (_state.Batch == 0)
            {
                _state.ShuffleState?.Dispose();
                _state.ShuffleState = ShuffleGenerator.get_state();
                (_state.Sums, _state.Samples, _state.Seconds) = (new double[names.Count], 0, 0);
            }
            else
            {
                // Resuming mid-epoch: replay the epoch's permutation from its starting generator state.
                ShuffleGenerator.set_state(_state.ShuffleState!);
            }

            SetLearningRate(_state.LearningRate);
            TrainingStep.EnterTraining();
            Array.ForEach(callbacks, c => c.OnEpochBegin(this));
            var clock = Stopwatch.StartNew();
            double secondsBefore = _state.Seconds;
            foreach (Batch batch in train.Batches(Options.BatchSize, Options.Shuffle, ShuffleGenerator, skip: _state.Batch))
            {
                _state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                if (cancellationToken.IsCancellationRequested)
                {
                    return Interrupt(callbacks);
                }

                double[] values;
                try
                {
                    using (torch.NewDisposeScope())
                    {
                        values = TrainingStep.Train(batch, _context);
                    }
                }
                catch (NonFiniteLossException e)
                {
                    throw StopOnNonFiniteLoss(e);
                }

                for (int i = 0; i < values.Length; i++)
                {
                    _state.Sums![i] += values[i] * batch.Size;
                }

                (_state.Samples, _state.Batch, _state.Step) = (_state.Samples + batch.Size, _state.Batch + 1, _state.Step + 1);
                double samplesPerSecond = _state.Samples / Math.Max(secondsBefore + clock.Elapsed.TotalSeconds, 1e-9);
                var progress = new BatchProgress(_state.Epoch + 1, _state.Batch, BatchesPerEpoch, Means(names), samplesPerSecond);
                Array.ForEach(callbacks, c => c.OnBatchEnd(this, progress));
            }

            _state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;

            // Once per epoch, before anything is evaluated or saved: a non-finite weight earlier in the epoch makes
            // the next loss non-finite, which the per-batch guard catches; this catches the epoch's last updates.
            if (NonFiniteWeights.First(Model) is string bad)
            {
                throw new NonFiniteParameterException(_state.Epoch + 1, _state.Step, bad, "at the end of the epoch");
            }

            EpochRecord record = FinishEpoch(validation, names);
            Array.ForEach(callbacks, c => c.OnEpochEnd(this, record));
        }

        Array.ForEach(callbacks, c => c.OnTrainEnd(this, History));
        return History;
    }

    private EpochRecord FinishEpoch(TensorDataset? validation, IReadOnlyList<string> names)
    {
        var record = new EpochRecord
        {
            Epoch = _state.Epoch + 1,
            Train = Means(names),
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
        _state.ShuffleState = ShuffleGenerator.get_state();
        return record;
    }

    private Dictionary<string, double> Means(IReadOnlyList<string> names) =>
        names.Select((n, i) => (n, v: _state.Sums![i] / Math.Max(1, _state.Samples))).ToDictionary(p => p.n, p => p.v);

    private TrainingHistory Interrupt(ITrainingCallback[] callbacks)
    {
        History.Interrupted = true;
        if (CheckpointPath is not null)
        {
            SaveCheckpoint(CheckpointPath);
        }

        History.StopReason = $"Interrupted at epoch {_state.Epoch + 1}, batch {_state.Batch}; {(CheckpointPath is null ? "no checkpoint path was set, so the run cannot be resumed" : $"checkpoint saved to {CheckpointPath}")}.";

        Array.ForEach(callbacks, c => c.OnTrainEnd(this, History));
        return History;
    }

    // Written before the failing batch's update (the loss is checked first), so the checkpoint holds the last good
    // weights and optimiser state; the noise and dropout streams have moved on by that batch's draws. Weights that
    // are already non-finite (an earlier update diverged) are never written.
    private InvalidOperationException StopOnNonFiniteLoss(NonFiniteLossException e)
    {
        if (NonFiniteWeights.First(Model) is string bad)
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

    private void SetLearningRate(double rate)
    {
        for (int i = 0; i < Optimizers.Count; i++)
        {
            foreach (ParamGroup group in ((OptimizerHelper)Optimizers[i]).ParamGroups)
            {
                group.LearningRate = rate * TrainingStep.LearningRateFactor(i);
            }
        }
    }
}
