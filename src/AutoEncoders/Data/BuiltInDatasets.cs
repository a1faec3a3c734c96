namespace AutoEncoders.Data;

/// <summary>The datasets of <see cref="DatasetCatalog.Default"/>, with their published checksums.</summary>
internal static class BuiltInDatasets
{
    public static DatasetDescriptor Mnist { get; } = new()
    {
        Name = "mnist",
        Description = "MNIST: handwritten digits 0-9, 28x28 grey, 60,000 training and 10,000 test images.",
        ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        License = "CC BY-SA 3.0",
        Citation = "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document recognition. Proc. IEEE 86(11), 1998.",
        Homepage = new("http://yann.lecun.com/exdb/mnist/"),
        Mirrors = [new("https://storage.googleapis.com/cvdf-datasets/mnist/"), new("https://ossci-datasets.s3.amazonaws.com/mnist/")],
        Variants =
        [
            new("train", DatasetSplit.Train,
                new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                60000),

            // Not published: a shuffled 10,000-image slice of the training set (see shared/datasets/README.md),
            // the offline stand-in where the full training files cannot be had.
            new("train-10k", DatasetSplit.Train,
                new("train-10k-images-idx3-ubyte.gz", "6f8d561a9789b119611b60d7ed16a95ab361419a8692b65d8d1c00a267f30af1", "b93364de842ca418a0adbfffb659384ff2739b51b8be0e68b7b41dbb4f5b894e"),
                new("train-10k-labels-idx1-ubyte.gz", "6a4b6227e4d6a2f4c6e5e45a715db07f0f0c9ce94065aaa18b213daf103dafd3", "2e08ad127756a509f0ef279317181bb40cd8b020d9655dce0700fe663fa0cf75"),
                10000)
            {
                Note = "This is a 10,000-image slice of the MNIST training set (about 1,000 per class), not the full 60,000: the full training files were not found.",
            },
            new("test", DatasetSplit.Test,
                new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
                10000),
        ],
    };

    public static DatasetDescriptor FashionMnist { get; } = new()
    {
        Name = "fashion-mnist",
        Description = "Fashion-MNIST: Zalando article images in 10 classes, 28x28 grey, 60,000 training and 10,000 test images.",
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        License = "MIT",
        Citation = "H. Xiao, K. Rasul, R. Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747, 2017.",
        Homepage = new("https://github.com/zalandoresearch/fashion-mnist"),
        Mirrors = [new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")],
        SystemPackage = "dataset-fashion-mnist",
        Variants =
        [
            new("train", DatasetSplit.Train,
                new("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                new("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                60000),
            new("test", DatasetSplit.Test,
                new("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                new("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
                10000),
        ],
    };

    public static DatasetDescriptor Kmnist { get; } = new()
    {
        Name = "kmnist",
        Description = "Kuzushiji-MNIST: 10 cursive Japanese (Kuzushiji) hiragana, 28x28 grey, 60,000 training and 10,000 test images.",

        // Romanised names of the ten hiragana お き す つ な は ま や れ を (the dataset's classmap.csv).
        ClassNames = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"],
        License = "CC BY-SA 4.0",
        Citation = "T. Clanuwat, M. Bober-Irizar, A. Kitamoto, A. Lamb, K. Yamamoto, D. Ha. Deep Learning for Classical Japanese Literature. arXiv:1812.01718, 2018.",
        Homepage = new("http://codh.rois.ac.jp/kmnist/"),
        Mirrors = [new("http://codh.rois.ac.jp/kmnist/dataset/kmnist/")],
        Variants =
        [
            new("train", DatasetSplit.Train,
                new("train-images-idx3-ubyte.gz", "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4"),
                new("train-labels-idx1-ubyte.gz", "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17"),
                60000),
            new("test", DatasetSplit.Test,
                new("t10k-images-idx3-ubyte.gz", "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5"),
                new("t10k-labels-idx1-ubyte.gz", "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c"),
                10000),
        ],
    };
}
