using AutoEncoders.Applications.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// k-nearest-neighbour label accuracy in a representation: each test point takes the majority label of its k nearest
/// reference points (Euclidean; a tie goes to the label of the nearest among the tied), a measure of how well a
/// low-dimensional code keeps classes apart.
/// </summary>
public static class NearestNeighbourAccuracy
{
    /// <summary>Share of <paramref name="test"/> points whose k-NN vote among <paramref name="reference"/> gives their own label.</summary>
    public static double Compute(Tensor reference, IReadOnlyList<long> referenceLabels, Tensor test, IReadOnlyList<long> testLabels, int k)
    {
        ArgumentNullException.ThrowIfNull(referenceLabels);
        ArgumentNullException.ThrowIfNull(testLabels);
        if (testLabels.Count != test.shape[0] || referenceLabels.Count != reference.shape[0])
        {
            throw new ArgumentException("Expected one label per point in both the reference and the test set.", nameof(testLabels));
        }

        SearchResults results = ExactSearch.Search(reference, test, k);
        int correct = 0;
        for (int q = 0; q < results.QueryCount; q++)
        {
            long[] neighbours = results.Indices[q];
            var votes = new Dictionary<long, int>();
            foreach (long item in neighbours)
            {
                long label = referenceLabels[(int)item];
                votes[label] = votes.GetValueOrDefault(label) + 1;
            }

            int best = votes.Values.Max();
            long predicted = neighbours.Select(i => referenceLabels[(int)i]).First(l => votes[l] == best);
            correct += predicted == testLabels[q] ? 1 : 0;
        }

        return (double)correct / results.QueryCount;
    }
}
