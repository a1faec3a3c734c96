// Trains a 784-256-32 dense autoencoder on Fashion-MNIST, saves it, loads it back and encodes the test set.
// Run: dotnet run -c Release [-- EPOCHS]   (data: Debian's dataset-fashion-mnist package, or AE_DATA_PATH)
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;

int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
const string ModelFolder = "fashion-dense";

TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test);

var config = new DenseAutoencoderConfig { Layers = [784, 256, 32] };
var objective = new Objective { Reconstruction = new BinaryCrossEntropy() };
Autoencoder model = config.Build();
using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = epochs, BatchSize = 128, ValidationSplit = 0.1 }))
using (var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective }, trainer.Fit(train)))
{
    IReadOnlyDictionary<string, double> metrics = trainer.Evaluate(test);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test binary cross-entropy per value {metrics["loss"]:F4}"));
    trained.Save(ModelFolder);
}

// Later, or in another program: load the folder and turn images into 32-number codes.
using TrainedAutoencoder loaded = TrainedAutoencoder.Load(ModelFolder);
using torch.Tensor codes = loaded.EncodeAll(test);
Console.WriteLine($"saved {ModelFolder}/; codes of the {test.Count} test images: [{string.Join(", ", codes.shape)}]");
using torch.Tensor first = codes[0];
Console.WriteLine($"code of test image 0: {string.Join(" ", first.data<float>().Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))}");
