using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae eval`: reconstruction error per sample and per value, BCE, PSNR and the objective's terms on a dataset.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var model = new Argument<string>("model") { Description = "A model or run directory (written by `ae train`)." };
        var json = new Option<bool>("--json") { Description = "Print the metrics as a JSON object." };
        var command = new Command("eval", "Evaluate a trained model: squared error per sample, MSE/BCE per value, PSNR and the objective's terms.") { model, json };
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string directory = parse.GetValue(model)!;
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            using TensorDataset test = data.LoadFor(parse, common, directory, stdout);
            using var trainer = new Trainer(trained.Model, trained.Manifest.Objective, (trained.Manifest.Training ?? new TrainerOptions()) with { Progress = ProgressMode.Silent });
            IReadOnlyDictionary<string, double> metrics = TrainCommand.TestMetrics(trainer, trained, test);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(metrics, JsonDefaults.Options));
                return 0;
            }

            stdout.WriteLine($"{test.Name}: {test.Count} samples{(test.Note is null ? string.Empty : $" ({test.Note})")}");
            foreach ((string key, double value) in metrics)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key,-26} {value,12:G6}"));
            }

            return 0;
        });
        return command;
    }
}
