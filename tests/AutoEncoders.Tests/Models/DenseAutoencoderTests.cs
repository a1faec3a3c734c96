using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sparsity;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models;

public sealed class DenseAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Deep_symmetric_model_has_the_seed_architectures_parameter_count()
    {
        TorchRuntime.SetSeed(0);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 1000, 500, 250, 30] }.Build();

        // Encoder: 784*1000+1000 + 1000*500+500 + 500*250+250 + 250*30+30; the decoder mirrors it with its own biases.
        long encoder = (784 * 1000) + 1000 + (1000 * 500) + 500 + (500 * 250) + 250 + (250 * 30) + 30;
        long decoder = (30 * 250) + 250 + (250 * 500) + 500 + (500 * 1000) + 1000 + (1000 * 784) + 784;
        Assert.Equal(encoder + decoder, model.ParameterCount);

        using Tensor x = torch.rand(4, 1, 28, 28);
        AutoencoderOutput output = model.forward(x);
        Assert.Equal([4L, 1, 28, 28], output.Reconstruction.shape);
        Assert.Equal([4L, 30], output.Code.shape);
        Assert.Equal(4, output.Hidden.Count);
        Assert.NotNull(output.Logits);
    }

    [Fact]
    public void Tied_weights_share_storage_save_the_decoder_matrices_and_stay_tied_after_loading()
    {
        TorchRuntime.SetSeed(0);
        var config = new DenseAutoencoderConfig { Layers = [784, 64, 16], TiedWeights = true };
        using var tied = (DenseAutoencoder)config.Build();
        using Autoencoder untied = (config with { TiedWeights = false }).Build();

        Assert.Equal(untied.ParameterCount - (784 * 64) - (64 * 16), tied.ParameterCount);
        Assert.Equal(tied.EncoderLayer(1).weight!.storage<float>().data_ptr(), tied.DecoderWeight(0).storage<float>().data_ptr());
        Assert.Equal(tied.EncoderLayer(0).weight!.storage<float>().data_ptr(), tied.DecoderWeight(1).storage<float>().data_ptr());

        using var directory = new TempDirectory();
        new TrainedAutoencoder(tied, new ModelManifest { Model = config }).Save(directory.Path);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(directory.Path);
        var model = (DenseAutoencoder)loaded.Model;
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("decoder.", StringComparison.Ordinal));
        using (torch.no_grad())
        {
            model.EncoderLayer(0).weight!.add_(1.0f);
        }

        Assert.True(model.DecoderWeight(1).equal(model.EncoderLayer(0).weight!.t()).all().item<bool>());
        Assert.True(model.EncoderLayer(1).weight!.equal(tied.EncoderLayer(1).weight!).all().item<bool>(), "loaded weights equal saved ones");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Linear_autoencoder_spans_the_principal_subspace(int code)
    {
        // Baldi and Hornik (1989): a linear autoencoder trained on squared error spans the top-k principal subspace.
        TorchRuntime.SetSeed(3);
        TensorDataset data = mnist.First(2000);
        var config = new DenseAutoencoderConfig { Layers = [784, code], CodeActivation = Activation.Linear, OutputActivation = Activation.Linear };
        using var model = (DenseAutoencoder)config.Build();
        var options = new TrainerOptions
        {
            Epochs = 150,
            BatchSize = 100,
            Seed = 3,
            Progress = ProgressMode.Silent,
            Optimizer = new OptimizerOptions { LearningRate = 0.01 },
            Schedule = new CosineAnnealingSchedule { MinRate = 1e-4 },
        };
        using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError { Reduction = ReconstructionReduction.SumPerExample } }, options);
        trainer.Fit(data);

        using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(data.Features, code);
        // The decoder's columns span the reconstruction subspace. (The encoder's rows need not lie in it: weights on
        // pixels that are zero in every image, such as MNIST's borders, get no gradient and keep their initial values.)
        double[] angles = SubspaceComparison.PrincipalAnglesDegrees(model.DecoderWeight(0), pca.Components.t());
        Assert.True(angles.Max() < 5, $"largest principal angle between decoder columns and PCA-{code}: {angles.Max():F2} degrees");
    }

    [Fact]
    public void K_sparse_code_keeps_exactly_k_units_per_sample()
    {
        using Tensor h = torch.rand(8, 20) + 0.1;
        using Tensor sparse = new KSparse { K = 5, InferenceK = 10 }.Apply(h, training: true);
        using Tensor atInference = new KSparse { K = 5, InferenceK = 10 }.Apply(h, training: false);

        Assert.All(sparse.ne(0).to_type(ScalarType.Int64).sum(1).data<long>().ToArray(), n => Assert.Equal(5, n));
        Assert.All(atInference.ne(0).to_type(ScalarType.Int64).sum(1).data<long>().ToArray(), n => Assert.Equal(10, n));
        // The survivors are the largest: the smallest kept value beats the largest dropped one in every row.
        using Tensor keptMin = torch.where(sparse.ne(0), h, 10.0).min(1).values;
        using Tensor droppedMax = torch.where(sparse.eq(0), h, -10.0).max(1).values;
        Assert.True(keptMin.gt(droppedMax).all().item<bool>());
    }

    [Fact]
    public void Winner_take_all_keeps_the_top_rate_of_each_unit_across_the_batch_in_training_only()
    {
        using Tensor h = torch.rand(40, 6) + 0.1;
        var wta = new WinnerTakeAll { Rate = 0.1 };
        using Tensor training = wta.Apply(h, training: true);
        using Tensor inference = wta.Apply(h, training: false);

        Assert.All(training.ne(0).to_type(ScalarType.Int64).sum(dim: 0).data<long>().ToArray(), n => Assert.Equal(4, n));
        Assert.True(inference.equal(h).all().item<bool>());
    }

    [Fact]
    public void Invalid_configurations_are_refused_naming_the_field()
    {
        Assert.Contains("decoderLayers", Assert.Throws<ArgumentException>(() => new DenseAutoencoderConfig { Layers = [784, 32], DecoderLayers = [16, 784] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("tiedWeights", Assert.Throws<ArgumentException>(() => new DenseAutoencoderConfig { Layers = [784, 64, 32], DecoderLayers = [32, 128, 784], TiedWeights = true }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("sparsity.k", Assert.Throws<ArgumentException>(() => new DenseAutoencoderConfig { Layers = [784, 32], Sparsity = new KSparse { K = 40 } }.Validate()).Message, StringComparison.Ordinal);
    }
}
