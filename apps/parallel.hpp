// The apps' work split: tasks 0 .. n-1 run on up to `threads` threads (one under WebAssembly),
// each task writing only its own result slot, so the output does not depend on the thread count.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>
#ifndef __EMSCRIPTEN__
#include <thread>
#endif

template <class Task>
void run_tasks(std::size_t n, std::int64_t threads, const Task& task) {
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (std::size_t t = next++; t < n; t = next++) task(t);
    };
#ifdef __EMSCRIPTEN__
    threads = 1;
#endif
    if (threads <= 1) {
        worker();
        return;
    }
#ifndef __EMSCRIPTEN__
    std::vector<std::thread> pool;
    for (std::int64_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
#endif
}
