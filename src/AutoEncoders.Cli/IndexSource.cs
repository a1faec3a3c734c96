using System.Text.Json;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli;

/// <summary>
/// What an index built by `ae index build` holds and how to turn new data (appended items, queries) into the same
/// kind of vectors: an autoencoder's codes (<c>code</c>), PCA coordinates (<c>pca</c>, the fitted mean and
/// components kept next to the index as <c>INDEX.pca.npy</c>) or the raw values (<c>raw</c>). Stored as JSON in the
/// index's source text.
/// </summary>
internal sealed record IndexSource(string Representation, string? Model = null, string? Pca = null)
{
    public const string Code = "code";
    public const string PcaKind = "pca";
    public const string Raw = "raw";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static IndexSource Of(CodeIndex index, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<IndexSource>(index.Source, Json)
                ?? throw new InvalidDataException($"{path}: source text: expected how the codes were made (the JSON `ae index build` writes), found null; rebuild it with `ae index build`.");
        }
        catch (JsonException e)
        {
            throw JsonFile.Failure($"{path}: source text", e, "rebuild the index with `ae index build`.");
        }
    }

    /// <summary>The vectors of <paramref name="data"/> [N, d] in this representation.</summary>
    public Tensor Represent(TensorDataset data)
    {
        using var scope = torch.NewDisposeScope();
        Tensor flat = data.Features.reshape(data.Count, -1).to_type(ScalarType.Float32);
        switch (Representation)
        {
            case Raw:
                return flat.MoveToOuterDisposeScope();
            case PcaKind:
                Tensor basis = NpyFile.Read(Pca ?? throw new InvalidDataException("The PCA index does not name its basis file; rebuild it."));
                Tensor mean = basis[0];
                Tensor components = basis.narrow(0, 1, basis.shape[0] - 1);
                if (components.shape[1] != flat.shape[1])
                {
                    throw new ArgumentException($"{Pca}: the PCA basis is for {components.shape[1]} values per item but the data has {flat.shape[1]}.");
                }

                return (flat - mean).matmul(components.t()).MoveToOuterDisposeScope();
            case Code:
                using (TrainedAutoencoder model = TrainedAutoencoder.Load(Model ?? throw new InvalidDataException("The code index does not name its model; rebuild it.")))
                {
                    data.RequireSampleSize(model.Manifest.Model.InputShape, "the index's model");
                    return model.EncodeAll(data).reshape(data.Count, -1).MoveToOuterDisposeScope();
                }

            default:
                throw new InvalidDataException($"Unknown index representation '{Representation}'; expected code, pca or raw.");
        }
    }

    /// <summary>Ids "dataset:split:row" (catalog data) or "idx:FILE:row" (an IDX file) of <paramref name="count"/> rows.</summary>
    public static string[] Ids(string? dataset, DatasetSplit split, string? images, long count, long firstRow = 0)
    {
        string prefix = images is not null ? $"idx:{Path.GetFullPath(images)}" : $"{dataset}:{split.ToString().ToLowerInvariant()}";
        return [.. Enumerable.Range(0, (int)count).Select(i => $"{prefix}:{firstRow + i}")];
    }
}
