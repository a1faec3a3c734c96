using AutoEncoders.Evaluation;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation;

public sealed class TrustworthinessTests
{
    // Twelve 3-D points; the map drops the third coordinate. Expected values from a direct implementation of
    // Venna and Kaski's formula (scikit-learn's `trustworthiness`) in plain Python.
    private static readonly float[,] Points =
    {
        { 0.1f, 0.2f, 0.05f }, { 1.3f, 0.1f, 3.1f }, { 0.2f, 1.1f, -2.2f }, { 1.05f, 1.2f, 1.4f }, { 2.3f, 0.17f, -1.1f }, { 0.05f, 2.4f, 2.2f },
        { 2.1f, 2.2f, 0.3f }, { 3.2f, 1.15f, -3.3f }, { 1.1f, 3.3f, 1.2f }, { 3.4f, 3.1f, 2.6f }, { 2.2f, 1.3f, -1.45f }, { 1.25f, 2.05f, 0.15f },
    };

    [Theory]
    [InlineData(2, 0.7303921568627452)]
    [InlineData(3, 0.7579365079365079)]
    [InlineData(4, 0.7386363636363636)]
    public void Matches_the_reference_formula_on_a_hand_made_projection(int k, double expected)
    {
        TorchRuntime.EnsureLoaded();
        Tensor x = torch.tensor(Points);

        Assert.Equal(expected, Trustworthiness.Compute(x, x.narrow(1, 0, 2), k), 6);
    }

    [Fact]
    public void Identity_and_similarity_maps_are_fully_trustworthy_and_a_random_map_is_not()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(31);
        Tensor x = torch.randn(300, 10, generator: generator);

        Assert.Equal(1.0, Trustworthiness.Compute(x, x, 10), 12);
        Assert.Equal(1.0, Trustworthiness.Compute(x, (x * 3) + 1, 10), 12);
        double random = Trustworthiness.Compute(x, torch.randn(300, 2, generator: generator), 10);
        Assert.InRange(random, 0.3, 0.65);
    }

    [Fact]
    public void Nearest_neighbour_accuracy_is_perfect_on_separated_clusters_and_chance_on_shuffled_labels()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(32);
        Tensor centres = torch.tensor(new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 } });
        long[] labels = [.. Enumerable.Range(0, 300).Select(i => (long)(i % 3))];
        Tensor points = centres.index_select(0, torch.tensor(labels)) + torch.randn(300, 2, generator: generator);
        long[] testLabels = [.. Enumerable.Range(0, 60).Select(i => (long)(i % 3))];
        Tensor test = centres.index_select(0, torch.tensor(testLabels)) + torch.randn(60, 2, generator: generator);

        Assert.Equal(1.0, NearestNeighbourAccuracy.Compute(points, labels, test, testLabels, 5));
        long[] shuffled = [.. labels.Select((l, i) => (long)((i * 7 / 3) % 3))];
        Assert.InRange(NearestNeighbourAccuracy.Compute(points, shuffled, test, testLabels, 5), 0.1, 0.6);
    }
}
