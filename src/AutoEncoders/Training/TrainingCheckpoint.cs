using System.Text;
using System.Text.Json;
using AutoEncoders.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>
/// One checkpoint file: a JSON header (trainer state, history, the model and objective it belongs to, the names of
/// what follows, the callbacks' numbers), then the weights, the optimiser states, the shuffle, noise and torch
/// generator states, the step's own generators, the loss terms' state and the callbacks' tensors. Written through a
/// temporary file and a rename. Format version 2 (callback states); version 1 files are refused with one line.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string Magic = "AECKPT";
    private const int Version = 2;

    public static void Write(string path, Trainer trainer, TrainerState state, Generator noise, IReadOnlyDictionary<string, Generator> generators, IEnumerable<ITrainingCallback> callbacks)
    {
        TrainingStep step = trainer.TrainingStep;
        IReadOnlyList<KeyValuePair<string, Tensor>> lossState = step.SaveLossState();
        Dictionary<string, CallbackState> callbackStates = [];
        foreach (ITrainingCallback callback in callbacks)
        {
            if (callback.StateName is string name && !callbackStates.TryAdd(name, callback.SaveState()))
            {
                throw new InvalidOperationException($"Two callbacks keep their state under the name '{name}'; give one another name.");
            }
        }

        var header = new CheckpointHeader
        {
            State = state,
            ModelConfig = step.ModelIdentity,
            Objective = step.ObjectiveIdentity,
            OptimizerCount = trainer.Optimizers.Count,
            Generators = [.. generators.Keys],
            LossState = [.. lossState.Select(p => p.Key)],
            Callbacks = callbackStates.ToDictionary(p => p.Key, p => new CallbackEntry(p.Value.Numbers, [.. p.Value.Tensors.Keys])),
        };
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(JsonSerializer.Serialize(header, JsonDefaults.Options));
            trainer.Model.save(writer);
            foreach (optim.Optimizer optimizer in trainer.Optimizers)
            {
                ((OptimizerHelper)optimizer).save_state_dict(writer);
            }

            state.ShuffleState!.Save(writer);
            Save(writer, noise);
            Save(writer, torch.Generator.Default);
            foreach (string name in header.Generators)
            {
                Save(writer, generators[name]);
            }

            foreach (KeyValuePair<string, Tensor> entry in lossState)
            {
                entry.Value.Save(writer);
            }

            foreach ((string name, CallbackEntry entry) in header.Callbacks)
            {
                foreach (string key in entry.Tensors)
                {
                    callbackStates[name].Tensors[key].Save(writer);
                }
            }
        });
    }

    /// <summary>Loads everything into the trainer's model, optimisers, generators, step and callbacks; returns the trainer state.</summary>
    public static TrainerState Read(string path, Trainer trainer, Generator noise, IReadOnlyDictionary<string, Generator> generators, IEnumerable<ITrainingCallback> callbacks)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no checkpoint there; it is written during training when a checkpoint path is set.", path);
        }

        using FileStream stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        CheckpointHeader header = ReadHeader(path, stream, reader);
        TrainingStep step = trainer.TrainingStep;
        CheckMatches(path, header, step, generators, trainer.Optimizers.Count);
        try
        {
            trainer.Model.load(reader, strict: true);
            foreach (optim.Optimizer optimizer in trainer.Optimizers)
            {
                ((OptimizerHelper)optimizer).load_state_dict(reader);
            }

            TrainerState state = header.State;
            state.ShuffleState = TensorExtensionMethods.Load(reader);
            CheckGeneratorState(state.ShuffleState, noise, "the shuffle generator");
            Restore(reader, noise);
            Restore(reader, torch.Generator.Default);
            foreach (string name in header.Generators)
            {
                Restore(reader, generators[name]);
            }

            step.LoadLossState(header.LossState.ToDictionary(k => k, _ => TensorExtensionMethods.Load(reader)));
            Dictionary<string, CallbackState> states = header.Callbacks.ToDictionary(
                p => p.Key,
                p => new CallbackState { Numbers = p.Value.Numbers, Tensors = p.Value.Tensors.ToDictionary(k => k, _ => TensorExtensionMethods.Load(reader)) });
            foreach (ITrainingCallback callback in callbacks)
            {
                if (callback.StateName is string name && states.Remove(name, out CallbackState? saved))
                {
                    callback.LoadState(saved);
                }
            }

            // States of callbacks this run does not have (e.g. a TensorBoard writer left out on resume) are dropped.
            foreach (Tensor t in states.Values.SelectMany(s => s.Tensors.Values))
            {
                t.Dispose();
            }

            return state;
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException or FormatException or IOException or OverflowException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: offset {stream.Position}: expected the checkpoint's tensors for this model; {e.Message.ReplaceLineEndings(" ").TrimEnd('.')} (the file is truncated or corrupt).", e);
        }
    }

    private static CheckpointHeader ReadHeader(string path, FileStream stream, BinaryReader reader)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"{path}: offset 0: expected a training checkpoint (magic '{Magic}'); this is another kind of file.");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"{path}: offset {stream.Position - 4}: expected checkpoint format version {Version}, found {version} (written by an older build, before callbacks kept their state); start the run again with this build.");
            }

            return JsonFile.Deserialize<CheckpointHeader>(reader.ReadString(), $"{path}: JSON header");
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new InvalidDataException($"{path}: offset {stream.Position}: expected the checkpoint's magic, version and JSON header; {e.Message.TrimEnd('.')} (the file is truncated or corrupt).", e);
        }
    }

    private static void CheckMatches(string path, CheckpointHeader header, TrainingStep step, IReadOnlyDictionary<string, Generator> generators, int optimizerCount)
    {
        string modelConfig = step.ModelIdentity;
        if (header.ModelConfig != modelConfig)
        {
            throw new InvalidOperationException($"{path}: JSON header: expected the model being resumed; the checkpoint was written for a different model (checkpoint: {OneLine(header.ModelConfig)}; current: {OneLine(modelConfig)}); resume with the configuration it was trained with.");
        }

        string objective = step.ObjectiveIdentity;
        if (header.Objective != objective)
        {
            throw new InvalidOperationException($"{path}: JSON header: expected the objective being resumed; the checkpoint was written for a different objective (checkpoint: {OneLine(header.Objective)}; current: {OneLine(objective)}); resume with the objective it was trained with.");
        }

        // Checked before anything is loaded: without a generator's state the run cannot continue exactly.
        string[] missing = [.. generators.Keys.Except(header.Generators)];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"{path}: JSON header: lacks the state of the random generator(s) {string.Join(", ", missing.Select(n => $"'{n}'"))} this trainer draws from (it was written by another trainer), so the run cannot be resumed exactly; start it again.");
        }

        string[] extra = [.. header.Generators.Except(generators.Keys)];
        if (extra.Length > 0)
        {
            throw new InvalidOperationException(
                $"{path}: JSON header: holds the state of the random generator(s) {string.Join(", ", extra.Select(n => $"'{n}'"))}, which this trainer does not have: it was written by another kind of trainer; resume it with the same model kind.");
        }

        if (header.OptimizerCount != optimizerCount)
        {
            throw new InvalidOperationException($"{path}: JSON header: holds {header.OptimizerCount} optimiser states; this trainer has {optimizerCount}.");
        }
    }

    private static void Save(BinaryWriter writer, Generator generator)
    {
        using Tensor state = generator.get_state();
        state.Save(writer);
    }

    private static void Restore(BinaryReader reader, Generator generator)
    {
        using Tensor state = TensorExtensionMethods.Load(reader);
        CheckGeneratorState(state, generator, "a random generator");
        generator.set_state(state);
    }

    // libtorch aborts the process (not a catchable error) when set_state gets a state of another size, so a corrupt
    // checkpoint's generator state is measured against a live one first. Every CPU generator's state has one size.
    private static void CheckGeneratorState(Tensor state, Generator like, string what)
    {
        using Tensor expected = like.get_state();
        if (state.dtype != expected.dtype || state.numel() != expected.numel())
        {
            throw new InvalidDataException($"the state of {what} holds {state.numel()} values of {state.dtype}; expected {expected.numel()} of {expected.dtype}");
        }
    }

    // The configurations are indented JSON; an error message is one line.
    private static string OneLine(string json) => string.Join(' ', json.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private sealed record CallbackEntry(Dictionary<string, double> Numbers, List<string> Tensors);

    private sealed record CheckpointHeader
    {
        public required TrainerState State { get; init; }

        public required string ModelConfig { get; init; }

        public required string Objective { get; init; }

        public int OptimizerCount { get; init; }

        public List<string> Generators { get; init; } = [];

        public List<string> LossState { get; init; } = [];

        public Dictionary<string, CallbackEntry> Callbacks { get; init; } = [];
    }
}
