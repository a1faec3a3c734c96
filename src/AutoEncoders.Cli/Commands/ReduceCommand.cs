using System.CommandLine;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae reduce MODEL_DIR`: the autoencoder's codes against PCA at the same dimension (and the raw data): reconstruction
/// error, k-NN label accuracy in the reduced space, and trustworthiness of the map (Venna and Kaski, 2001).
/// </summary>
internal static class ReduceCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A model or run directory (written by `ae train`)." };
        var dataset = new Option<string?>("--dataset") { Description = "Catalog dataset: mnist, fashion-mnist or kmnist (default: the data the run was trained on, from its recipe.json)." };
        var trainLimit = new Option<long>("--train-limit") { Description = "Training images used to fit PCA and as the k-NN reference set.", DefaultValueFactory = _ => 10_000 };
        var testLimit = new Option<long>("--test-limit") { Description = "Test images evaluated.", DefaultValueFactory = _ => 2_000 };
        var neighbours = new Option<int>("--neighbours", "-k") { Description = "k of the k-NN classifier and of trustworthiness.", DefaultValueFactory = _ => 10 };
        var trustSamples = new Option<int>("--trust-samples") { Description = "Test points in the trustworthiness computation (n² distances are held).", DefaultValueFactory = _ => 2_000 };
        var command = new Command("reduce", "Dimensionality reduction report: autoencoder codes vs PCA at the same dimension (reconstruction error, k-NN accuracy, trustworthiness).")
        {
            model, dataset, trainLimit, testLimit, neighbours, trustSamples,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            DatasetOptions options = common.DatasetOptions(parse, stdout);
            string directory = parse.GetValue(model)!;
            int k = parse.GetValue(neighbours);
            DataSource source = RunDataSource.Resolve(directory, parse.GetValue(dataset));
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            using TensorDataset train = RunDataSource.Load(source, DatasetSplit.Train, options, parse.GetValue(trainLimit));
            using TensorDataset test = RunDataSource.Load(source, DatasetSplit.Test, options, parse.GetValue(testLimit));
            string name = train.Name;
            long[] trainLabels = train.Labels?.data<long>().ToArray() ?? throw new ArgumentException($"{name}: k-NN accuracy needs labelled data.");
            long[] testLabels = test.Labels!.data<long>().ToArray();
            using var scope = torch.NewDisposeScope();
            Tensor trainX = train.Features.reshape(train.Count, -1).to_type(ScalarType.Float32);
            Tensor testX = test.Features.reshape(test.Count, -1).to_type(ScalarType.Float32);
            Tensor trainCodes = trained.EncodeAll(train).reshape(train.Count, -1);
            Tensor testCodes = trained.EncodeAll(test).reshape(test.Count, -1);
            int dims = (int)testCodes.shape[1];
            using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(trainX, dims);
            Tensor trainPca = pca.Transform(trainX);
            Tensor testPca = pca.Transform(testX);
            double aeError = (trained.ReconstructAll(test).reshape(test.Count, -1) - testX).square().mean().item<float>();
            double pcaError = (pca.Reconstruct(testX) - testX).square().mean().item<float>();
            long m = Math.Min(parse.GetValue(trustSamples), test.Count);
            Tensor sample = testX.narrow(0, 0, m);
            stdout.WriteLine($"{name}: {dims}-D codes of {trained.Manifest.Model.GetType().Name}; PCA fitted on {train.Count} training images; {test.Count} test images; k = {k}; trustworthiness on {m} test images");
            stdout.WriteLine();
            stdout.WriteLine($"| representation | dims | reconstruction MSE (test) | {k}-NN accuracy | trustworthiness T({k}) |");
            stdout.WriteLine("|---|---:|---:|---:|---:|");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| raw data | {trainX.shape[1]} | 0 | {NearestNeighbourAccuracy.Compute(trainX, trainLabels, testX, testLabels, k):F4} | 1 |"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| PCA | {dims} | {pcaError:F5} | {NearestNeighbourAccuracy.Compute(trainPca, trainLabels, testPca, testLabels, k):F4} | {Trustworthiness.Compute(sample, testPca.narrow(0, 0, m), k):F4} |"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| autoencoder | {dims} | {aeError:F5} | {NearestNeighbourAccuracy.Compute(trainCodes, trainLabels, testCodes, testLabels, k):F4} | {Trustworthiness.Compute(sample, testCodes.narrow(0, 0, m), k):F4} |"));
            return 0;
        });
        return command;
    }
}
