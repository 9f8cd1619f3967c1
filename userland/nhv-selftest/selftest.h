/* selftest.h - the test groups of nhv-selftest kept in their own files. */
#ifndef NHV_SELFTEST_H
#define NHV_SELFTEST_H

void test_bad_ioctls(int sysfd);
void test_random(int sysfd, int iterations);
int run_bench(int sysfd, int iterations, int use_kvm);

#endif
