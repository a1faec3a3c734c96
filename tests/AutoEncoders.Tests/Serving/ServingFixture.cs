using System.Net.Http.Headers;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Serving;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Serving;

/// <summary>
/// A tiny variational autoencoder (784-64-8) trained for two epochs on 1,000 MNIST test digits, served on a free
/// loopback port by a real Kestrel, with a reconstruction-error detector (threshold: the 95th percentile of 200
/// held-out digits), a code index of those 1,000 digits, and 300 other digits for the explorer.
/// </summary>
public sealed class ServingFixture : IAsyncLifetime
{
    public const int ExplorerItemCount = 300;

    public ServedModel Served { get; private set; } = null!;

    public ServingApplication App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The first 1,000 MNIST test digits [1000, 784] (the training and index set).</summary>
    public Tensor Digits { get; private set; } = null!;

    public static ServeOptions Options => new()
    {
        Port = 0,
        MaxItemsPerRequest = 64,
        MaxBodyBytes = 1 << 20,
        MaxBatch = 32,
        MaxBatchWait = TimeSpan.FromMilliseconds(5),
        MaxGenerate = 16,
    };

    public async Task InitializeAsync()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 3, Threads = 1 });
        IdxArray images = IdxReader.Read(TestData.MnistTestImages);
        IdxArray labels = IdxReader.Read(TestData.MnistTestLabels);
        using Tensor all = images.ToFloatTensor().reshape(-1, 784);
        using Tensor allLabels = labels.ToLabelTensor();
        Digits = all.narrow(0, 0, 1000).clone();
        using var train = new TensorDataset(Digits.clone(), allLabels.narrow(0, 0, 1000).clone(), name: "mnist/test[0:1000]");
        var config = new VariationalAutoencoderConfig { Layers = [784, 64, 8] };
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Penalties = [new KlDivergence()] };
        Autoencoder model = config.Build();
        using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 2, BatchSize = 50 }))
        {
            trainer.Fit(train);
        }

        model.eval();
        var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective });
        var scorer = new AutoencoderAnomalyScorer([model], AnomalyScoreKind.Reconstruction);
        Tensor heldOut = all.narrow(0, 1000, 200);
        using (torch.no_grad())
        {
            scorer.SetReference(Digits);
            scorer.Standardize(heldOut);
        }

        double[] held = scorer.Score(heldOut);
        double threshold = held.Order().ElementAt(190);
        var detector = new ServedDetector(784, threshold, rows => scorer.Score(rows), scorer.FeatureErrors, null, "reconstruction detector (test)");
        Tensor codes;
        using (torch.no_grad())
        {
            codes = trained.Encode(Digits).reshape(1000, -1).clone();
        }

        var index = new CodeIndex(codes, [.. allLabels.narrow(0, 0, 1000).data<long>()], source: "test");
        var items = new ExplorerItems(all.narrow(0, 1200, ExplorerItemCount).clone(), [.. allLabels.narrow(0, 1200, ExplorerItemCount).data<long>()], [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))], "mnist/test[1200:1500]");
        Served = new ServedModel(trained, "tiny-vae", detector, index, items);
        App = ServingApplication.Create(Served, Options);
        await App.StartAsync();
        Client = new HttpClient { BaseAddress = App.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Another application over the same model with other options (started; dispose it).</summary>
    public async Task<(ServingApplication App, HttpClient Client)> StartOther(ServeOptions options)
    {
        ServingApplication app = ServingApplication.Create(Served, options);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(60) });
    }

    public static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Served?.Dispose();
        Digits.Dispose();
    }
}
