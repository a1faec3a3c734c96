using System.CommandLine;
using AutoEncoders.Models;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae summary`: Keras-like table of a model's layers, output shapes and parameter counts.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A recipe file (.json/.yaml) or a model/run directory." };
        var command = new Command("summary", "Print each layer's output shape and parameter count, with the totals (like Keras's model.summary()).") { source };
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            string path = parse.GetValue(source)!;
            TorchRuntime.EnsureLoaded();
            if (Directory.Exists(path))
            {
                using TrainedAutoencoder trained = TrainedAutoencoder.Load(path);
                stdout.Write(ModelSummary.Of(trained.Model).Format());
                return 0;
            }

            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: no such recipe file or model directory.", path);
            }

            Recipe recipe = Recipe.Load(path);
            using Autoencoder model = recipe.Model.Build();
            stdout.Write(ModelSummary.Of(model).Format());
            return 0;
        });
        return command;
    }
}
