using System.Text;
using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>
/// One checkpoint file: a JSON header (trainer state, history, the model and objective configuration it belongs
/// to), then the weights, optimiser states, random generator states, stateful loss terms, with early stopping the
/// best weights, and last the states of a trainer's own named generators (the adversarial trainer's prior draws).
/// Written through a temporary file and a rename.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private const string Magic = "AECKPT";
    private const int Version = 1;

    public required TrainerState State { get; init; }

    public required Autoencoder Model { get; init; }

    public required Objective Objective { get; init; }

    public required IReadOnlyList<optim.Optimizer> Optimizers { get; init; }

    public required Tensor NoiseState { get; init; }

    public required Tensor GlobalState { get; init; }

    public IReadOnlyDictionary<string, Tensor> GeneratorStates { get; init; } = new Dictionary<string, Tensor>();

    public Dictionary<string, Tensor>? BestWeights { get; init; }

    public static void Write(string path, TrainingCheckpoint checkpoint)
    {
        var termStates = checkpoint.Objective.Terms
            .SelectMany((term, index) => term.SaveState().Select(s => (Index: index, s.Key, s.Value)))
            .ToList();
        var header = new CheckpointHeader
        {
            State = checkpoint.State,
            ModelConfig = JsonSerializer.Serialize(checkpoint.Model.Config, JsonDefaults.Options),
            Objective = JsonSerializer.Serialize(checkpoint.Objective, JsonDefaults.Options),
            OptimizerCount = checkpoint.Optimizers.Count,
            TermStates = termStates.Select(s => new TermStateEntry(s.Index, s.Key)).ToList(),
            BestWeights = checkpoint.BestWeights?.Keys.ToList(),
            Generators = [.. checkpoint.GeneratorStates.Keys],
        };

        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(JsonSerializer.Serialize(header, JsonDefaults.Options));
            checkpoint.Model.save(writer);
            foreach (optim.Optimizer optimizer in checkpoint.Optimizers)
            {
                ((OptimizerHelper)optimizer).save_state_dict(writer);
            }

            checkpoint.State.ShuffleState!.Save(writer);
            checkpoint.NoiseState.Save(writer);
            checkpoint.GlobalState.Save(writer);
            foreach ((_, _, Tensor value) in termStates)
            {
                value.Save(writer);
            }

            if (checkpoint.BestWeights is not null)
            {
                foreach (string key in header.BestWeights!)
                {
                    checkpoint.BestWeights[key].Save(writer);
                }
            }

            foreach (string name in header.Generators)
            {
                checkpoint.GeneratorStates[name].Save(writer);
            }
        });
    }

    public static TrainingCheckpointContents Read(string path, Autoencoder model, Objective objective, IReadOnlyList<optim.Optimizer> optimizers, IReadOnlyCollection<string> generators)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no checkpoint there; it is written during training when a checkpoint path is set.", path);
        }

        using FileStream stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        CheckpointHeader header;
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"{path}: offset 0: expected a training checkpoint (magic '{Magic}'); this is another kind of file.");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new InvalidDataException($"{path}: offset {stream.Position - 4}: expected checkpoint format version {Version}, found {version}; start the run again with this build.");
            }

            header = JsonFile.Deserialize<CheckpointHeader>(reader.ReadString(), $"{path}: JSON header");
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new InvalidDataException($"{path}: offset {stream.Position}: expected the checkpoint's magic, version and JSON header; {e.Message.TrimEnd('.')} (the file is truncated or corrupt).", e);
        }

        string modelConfig = JsonSerializer.Serialize(model.Config, JsonDefaults.Options);
        if (header.ModelConfig != modelConfig)
        {
            throw new InvalidOperationException($"{path}: JSON header: expected the model being resumed; the checkpoint was written for a different model (checkpoint: {OneLine(header.ModelConfig)}; current: {OneLine(modelConfig)}); resume with the configuration it was trained with.");
        }

        string objectiveJson = JsonSerializer.Serialize(objective, JsonDefaults.Options);
        if (header.Objective != objectiveJson)
        {
            throw new InvalidOperationException($"{path}: JSON header: expected the objective being resumed; the checkpoint was written for a different objective (checkpoint: {OneLine(header.Objective)}; current: {OneLine(objectiveJson)}); resume with the objective it was trained with.");
        }

        // Checked before anything is loaded: without a generator's state the run cannot continue exactly (checkpoints
        // of adversarial runs written before the prior's generator was saved lack it).
        string[] missing = [.. generators.Except(header.Generators)];
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"{path}: JSON header: lacks the state of the random generator(s) {string.Join(", ", missing.Select(n => $"'{n}'"))} this trainer draws from (it was written by an older build or by another trainer), so the run cannot be resumed exactly; start it again.");
        }

        string[] extra = [.. header.Generators.Except(generators)];
        if (extra.Length > 0)
        {
            throw new InvalidOperationException(
                $"{path}: JSON header: holds the state of the random generator(s) {string.Join(", ", extra.Select(n => $"'{n}'"))}, which this trainer does not have: it was written by another kind of trainer; resume it with the same model kind.");
        }

        if (header.OptimizerCount != optimizers.Count)
        {
            throw new InvalidOperationException($"{path}: JSON header: holds {header.OptimizerCount} optimiser states; this trainer has {optimizers.Count}.");
        }

        try
        {
            model.load(reader, strict: true);
            foreach (optim.Optimizer optimizer in optimizers)
            {
                ((OptimizerHelper)optimizer).load_state_dict(reader);
            }

            Tensor shuffle = TensorExtensionMethods.Load(reader);
            Tensor noise = TensorExtensionMethods.Load(reader);
            Tensor global = TensorExtensionMethods.Load(reader);
            LossTerm[] terms = objective.Terms.ToArray();
            foreach (IGrouping<int, (TermStateEntry Entry, Tensor Value)> group in header.TermStates
                .Select(e => (Entry: e, Value: TensorExtensionMethods.Load(reader)))
                .ToList()
                .GroupBy(p => p.Entry.Term))
            {
                terms[group.Key].LoadState(group.ToDictionary(p => p.Entry.Key, p => p.Value));
            }

            Dictionary<string, Tensor>? best = header.BestWeights?.ToDictionary(k => k, _ => TensorExtensionMethods.Load(reader));
            Dictionary<string, Tensor> generatorStates = header.Generators.ToDictionary(n => n, _ => TensorExtensionMethods.Load(reader));
            header.State.ShuffleState = shuffle.clone();
            return new TrainingCheckpointContents(header.State, shuffle, noise, global, generatorStates, best);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException or FormatException or IOException or OverflowException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: offset {stream.Position}: expected the checkpoint's tensors for this model; {e.Message.ReplaceLineEndings(" ").TrimEnd('.')} (the file is truncated or corrupt).", e);
        }
    }

    // The configurations are indented JSON; an error message is one line.
    private static string OneLine(string json) => string.Join(' ', json.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private sealed record TermStateEntry(int Term, string Key);

    private sealed record CheckpointHeader
    {
        public required TrainerState State { get; init; }

        public required string ModelConfig { get; init; }

        public required string Objective { get; init; }

        public int OptimizerCount { get; init; }

        public List<TermStateEntry> TermStates { get; init; } = [];

        public List<string>? BestWeights { get; init; }

        public List<string> Generators { get; init; } = [];
    }
}
