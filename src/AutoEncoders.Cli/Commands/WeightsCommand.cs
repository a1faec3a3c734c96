using System.CommandLine;
using AutoEncoders.Interop.PyTorch;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae weights export|import`: a model's weights as a safetensors file for PyTorch, and weights trained in PyTorch
/// into a model directory (docs/interop.md).
/// </summary>
internal static class WeightsCommand
{
    public static Command Create()
    {
        var command = new Command("weights", "Move weights between a model directory and PyTorch (safetensors; names in docs/interop.md).");
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateImport());
        return command;
    }

    private static Command CreateExport()
    {
        var model = new Argument<string>("model") { Description = "A model or run directory (written by `ae train`)." };
        var output = new Option<string>("--out", "-o") { Description = "The safetensors file to write.", Required = true };
        var command = new Command("export", "Write a model's state dictionary (parameters and buffers) to a safetensors file that PyTorch loads.") { model, output };
        command.SetAction(parse => Export(parse.GetValue(model)!, parse.GetValue(output)!, parse.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Writes the weights of the model in <paramref name="model"/> to <paramref name="path"/> (also `ae export --format safetensors`).</summary>
    public static int Export(string model, string path, TextWriter stdout)
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(model);
        PyTorchWeights.Save(trained.Model, path);
        stdout.WriteLine($"wrote {trained.Model.state_dict().Count} tensors ({trained.Model.ParameterCount} parameters) to {path}");
        return 0;
    }

    private static Command CreateImport()
    {
        var weights = new Argument<string>("weights") { Description = "A safetensors file: one written by `ae weights export`, or by PyTorch with the names in docs/interop.md." };
        var output = new Option<string>("--out", "-o") { Description = "The model directory to write (new, or without a model.json).", Required = true };
        var recipe = new Option<string?>("--recipe") { Description = "A recipe whose model (and objective) the weights belong to; default: the architecture the file records (ae.config)." };
        var like = new Option<string?>("--like") { Description = "A model or run directory with the same architecture, instead of --recipe." };
        var command = new Command("import", "Load weights trained in PyTorch (safetensors) into a new model directory that every `ae` command uses.") { weights, output, recipe, like };
        command.SetAction(parse =>
        {
            string source = parse.GetValue(weights)!;
            string directory = parse.GetValue(output)!;
            string? recipePath = parse.GetValue(recipe);
            string? likePath = parse.GetValue(like);
            if (recipePath is not null && likePath is not null)
            {
                throw new ArgumentException("--recipe and --like both name an architecture; give one.");
            }

            if (File.Exists(Path.Combine(directory, TrainedAutoencoder.ManifestFile)))
            {
                throw new IOException($"{directory}: already holds a model ({TrainedAutoencoder.ManifestFile}); choose a new folder.");
            }

            SafetensorsFile file = SafetensorsFile.Read(source);
            (ModelConfig config, Objective objective, TrainerOptions? training) = Architecture(file, source, recipePath, likePath);
            TorchRuntime.EnsureLoaded();
            using Autoencoder model = config.Build();
            PyTorchWeights.Load(model, file, source);
            model.eval();
            new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective, Training = training }).Save(directory);
            parse.InvocationConfiguration.Output.WriteLine($"loaded {file.Tensors.Count} tensors ({model.ParameterCount} parameters) from {source} into {directory}");
            return 0;
        });
        return command;
    }

    private static (ModelConfig Config, Objective Objective, TrainerOptions? Training) Architecture(SafetensorsFile file, string source, string? recipePath, string? likePath)
    {
        if (recipePath is not null)
        {
            Recipe recipe = Recipe.Load(recipePath);
            return (recipe.Model, recipe.Objective, recipe.Training);
        }

        if (likePath is not null)
        {
            ModelManifest manifest = TrainedAutoencoder.ReadManifest(Path.Combine(likePath, TrainedAutoencoder.ManifestFile));
            return (manifest.Model, manifest.Objective, null);
        }

        ModelConfig config = PyTorchWeights.ReadConfig(file, source)
            ?? throw new InvalidDataException($"{source}: metadata \"{PyTorchWeights.ConfigKey}\": expected the architecture, found none; name it with --recipe or --like.");
        return (config, new Objective(), null);
    }
}
